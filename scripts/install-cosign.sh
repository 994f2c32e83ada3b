#!/usr/bin/env bash
# Installs cosign (the version Gantry pins, see COSIGN_IMAGE in core/image/sign.ts) into
# .tools/cosign/<version>/bin for the attestation host tests (test/host/attest.test.ts), built from
# its Go module the way its Makefile builds the release binary (static, trimmed, version stamped;
# without the pivkey/pkcs11key tags, which need cgo and hardware tokens the tests never touch).
# Idempotent: does nothing when the binary already reports the pinned version.
# GANTRY_COSIGN_DIR overrides where it goes (the tests read the same variable).
set -euo pipefail

VERSION=3.1.3
MODULE=github.com/sigstore/cosign/v3
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${GANTRY_COSIGN_DIR:-$ROOT/.tools/cosign/$VERSION}"
BIN="$DIR/bin"
# shellcheck source=go-module-build.sh
source "$ROOT/scripts/go-module-build.sh"

export GOTOOLCHAIN=local CGO_ENABLED=0
need_go install-cosign 26 "cosign $VERSION (its go.mod says go 1.26.0)"

if [ -x "$BIN/cosign" ] && "$BIN/cosign" version 2>/dev/null | grep -q "GitVersion:[[:space:]]*v$VERSION\$"; then
  echo "install-cosign: cosign v$VERSION already in $BIN"
  exit 0
fi

mkdir -p "$BIN"
started=$(date +%s)
build_go_module "$MODULE" "v$VERSION" ./cmd/cosign "$BIN/cosign" \
  "-s -w -buildid= -X sigs.k8s.io/release-utils/version.gitVersion=v$VERSION -X sigs.k8s.io/release-utils/version.gitTreeState=clean"
echo "install-cosign: built cosign v$VERSION in $(( $(date +%s) - started ))s"
