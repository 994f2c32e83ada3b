#!/usr/bin/env bash
# Installs Helm v4 (the version Gantry pins, see core/helm/helm-tool.ts) into
# .tools/helm/<version>/bin for the host tests that render, lint, package and push charts, built
# from its Go module the way its Makefile builds releases (static, trimmed, version stamped).
# Idempotent: skips when the binary already reports the pinned version.
# GANTRY_HELM_DIR overrides where it goes (the tests read the same variable).
set -euo pipefail

VERSION=4.3.2
MODULE=helm.sh/helm/v4
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${GANTRY_HELM_DIR:-$ROOT/.tools/helm/$VERSION}"
BIN="$DIR/bin"
# shellcheck source=go-module-build.sh
source "$ROOT/scripts/go-module-build.sh"

export GOTOOLCHAIN=local CGO_ENABLED=0
need_go install-helm 26 "Helm $VERSION"

if [ -x "$BIN/helm" ] && [ "$("$BIN/helm" version --template '{{.Version}}' 2>/dev/null)" = "v$VERSION" ]; then
  echo "install-helm: helm v$VERSION already in $BIN"
  exit 0
fi

mkdir -p "$BIN"
started=$(date +%s)
build_go_module "$MODULE" "v$VERSION" ./cmd/helm "$BIN/helm" \
  "-s -w -X $MODULE/internal/version.version=v$VERSION -X $MODULE/internal/version.gitTreeState=clean"
echo "install-helm: built helm $("$BIN/helm" version --template '{{.Version}}') in $(( $(date +%s) - started ))s"
