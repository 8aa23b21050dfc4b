#!/usr/bin/env bash
# Back up CX Academy: the PostgreSQL database (pg_dump, custom format) and the media files.
#   DATABASE_URL=postgres://... MEDIA_ROOT=/srv/cx/media scripts/backup.sh [target-dir]
# Writes <target>/database.dump, <target>/media.tar.gz and <target>/SHA256SUMS; prints <target>.
# Restore with scripts/restore.sh. Media on S3 (AWS_STORAGE_BUCKET_NAME) are not copied here:
# turn on bucket versioning/replication instead (see README, "Operations").
set -euo pipefail
: "${DATABASE_URL:?set DATABASE_URL to the PostgreSQL database to back up}"
target="${1:-backups/cx-academy-$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$target"
pg_dump --format=custom --no-owner --no-privileges --file "$target/database.dump" "$DATABASE_URL"
media="${MEDIA_ROOT:-media}"
if [ -d "$media" ]; then
  tar -C "$media" -czf "$target/media.tar.gz" .
else
  tar -czf "$target/media.tar.gz" --files-from /dev/null
fi
(cd "$target" && sha256sum database.dump media.tar.gz > SHA256SUMS)
echo "$target"
