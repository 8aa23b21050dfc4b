#!/usr/bin/env bash
# A real OpenID Connect provider for the SSO tests: node-oidc-provider from npm, installed into the
# git-ignored .ci/cache/oidc-provider, configured by .ci/services/oidc-provider.mjs.
#   .ci/services/oidc.sh install     install (once) and print the directory of provider.mjs
#   .ci/services/oidc.sh run         install, then run it (PORT, CLIENT_ID, CLIENT_SECRET,
#                                    REDIRECT_URIS, POST_LOGOUT_REDIRECT_URIS from the environment)
# The pytest fixture `oidc_provider` (tests/conftest.py) does this on a free port by itself.
set -euo pipefail
cd "$(dirname "$0")/../.."
DIR=.ci/cache/oidc-provider
VERSION=9
mkdir -p "$DIR"
(
  flock 9  # parallel test workers install once
  if [ ! -f "$DIR/node_modules/oidc-provider/package.json" ]; then
    (cd "$DIR" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund "oidc-provider@$VERSION" >&2)
  fi
  # ES modules resolve packages from their own folder, so the configuration runs from the cache.
  cp .ci/services/oidc-provider.mjs "$DIR/provider.mjs.tmp" && mv "$DIR/provider.mjs.tmp" "$DIR/provider.mjs"
) 9>"$DIR/.lock"
case "${1:-install}" in
  install) echo "$PWD/$DIR" ;;
  run) exec node "$DIR/provider.mjs" ;;
esac
