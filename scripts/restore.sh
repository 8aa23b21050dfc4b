#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into an EMPTY database and a media folder.
#   DATABASE_URL=postgres://.../cx_restored MEDIA_ROOT=/srv/cx/media scripts/restore.sh <backup-dir>
# Create the database first (createdb, or CREATE DATABASE); then check with
# `manage.py migrate --check` and open /health/ready/.
set -euo pipefail
source_dir="${1:?usage: scripts/restore.sh <backup-dir>}"
: "${DATABASE_URL:?set DATABASE_URL to the empty database to restore into}"
(cd "$source_dir" && sha256sum --check --quiet SHA256SUMS)
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
  --dbname "$DATABASE_URL" "$source_dir/database.dump"
media="${MEDIA_ROOT:-media}"
mkdir -p "$media"
tar -C "$media" -xzf "$source_dir/media.tar.gz"
echo "restored $source_dir into the database and $media"
