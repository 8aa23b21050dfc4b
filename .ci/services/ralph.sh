#!/usr/bin/env bash
# Installs the Ralph LRS (ralph-malph, file backend) into its own venv under .ci/cache/ (git-ignored).
# The xAPI tests start it on a free port from a session-scoped fixture; this only installs it.
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV=.ci/cache/ralph-venv
mkdir -p .ci/cache
exec 9>.ci/cache/ralph.lock
flock 9  # parallel test workers install it once
if [ ! -x "$VENV/bin/ralph" ] || ! "$VENV/bin/python" -c "import ralph.api, requests" 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "ralph-malph[lrs,cli]==5.1.0" requests
fi
echo "$VENV"
