#!/usr/bin/env bash
# Installs Open Policy Agent (the version Gantry pins, see core/policy/opa-plan.ts) into
# .tools/opa/<version>/bin/opa for the policy tests, built from its Go module the way OPA's own
# Makefile builds its static release (CGO_ENABLED=0, -buildmode=exe; the version is in the source).
# Idempotent: does nothing when the binary already reports the pinned version.
# Needs Go >= 1.26 (OPA 1.22.4's go.mod).
set -euo pipefail

VERSION=1.22.4
MODULE=github.com/open-policy-agent/opa
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$ROOT/.tools/opa/$VERSION/bin"
# shellcheck source=go-module-build.sh
source "$ROOT/scripts/go-module-build.sh"

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-buildmode=exe
need_go install-opa 26 "OPA $VERSION"

if [ -x "$BIN/opa" ] && "$BIN/opa" version 2>/dev/null | grep -qx "Version: $VERSION"; then
  echo "install-opa: opa $VERSION already in $BIN"
  exit 0
fi

mkdir -p "$BIN"
started=$(date +%s)
build_go_module "$MODULE" "v$VERSION" . "$BIN/opa" "-s -w"
echo "install-opa: built $("$BIN/opa" version | sed -n 1p) in $(( $(date +%s) - started ))s"
