#!/usr/bin/env bash
# Installs crane (go-containerregistry's registry client, the version Gantry pins, see
# core/image/oci/crane.ts) into .tools/bin for the host tests, built from its Go module the
# way its own .goreleaser.yml builds releases (static, trimmed, version stamped).
# Idempotent: does nothing when .tools/bin/crane already reports the pinned version.
set -euo pipefail

VERSION=0.21.9
MODULE=github.com/google/go-containerregistry
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$ROOT/.tools/bin"
mkdir -p "$BIN"
# shellcheck source=go-module-build.sh
source "$ROOT/scripts/go-module-build.sh"

export GOTOOLCHAIN=local CGO_ENABLED=0

if ! command -v go >/dev/null; then
  echo "install-crane: Go is required (≥ 1.25, crane $VERSION's go.mod) to build crane" >&2
  exit 1
fi

if [ -x "$BIN/crane" ] && [ "$("$BIN/crane" version 2>/dev/null)" = "v$VERSION" ]; then
  echo "install-crane: crane v$VERSION already in .tools/bin"
  exit 0
fi

started=$(date +%s)
build_go_module "$MODULE" "v$VERSION" ./cmd/crane "$BIN/crane" \
  "-s -w -X $MODULE/cmd/crane/cmd.Version=v$VERSION -X $MODULE/pkg/v1/remote/transport.Version=v$VERSION"
echo "install-crane: built crane $("$BIN/crane" version) in $(( $(date +%s) - started ))s"
