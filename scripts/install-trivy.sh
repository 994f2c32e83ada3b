#!/usr/bin/env bash
# Installs Trivy (the version Gantry pins, see core/scan/trivy-plan.ts) into .tools/bin for the
# host tests, and pre-builds the offline fixture-DB generator (test/fixtures/trivy-db/gen).
#
# Trivy is built from its Go module: only package registries are reachable, so no release binary
# can be downloaded, and `go install …@version` needs the proxy's version list, which it refuses.
# Idempotent: does nothing when .tools/bin/trivy already reports the pinned version.
# Needs Go ≥ 1.26 (Trivy 0.74.0's go.mod). On 2 cores the first build takes about 9 minutes.
set -euo pipefail

VERSION=0.74.0
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$ROOT/.tools/bin"
mkdir -p "$BIN"
# shellcheck source=go-module-build.sh
source "$ROOT/scripts/go-module-build.sh"

# Trivy's own build settings (magefiles, goreleaser): static binary, JSON v2 experiment, version stamp.
export GOTOOLCHAIN=local CGO_ENABLED=0 GOEXPERIMENT=jsonv2

build_trivy() {
  local started
  started=$(date +%s)
  echo "install-trivy: building Trivy $VERSION from its Go module (first time: several minutes)"
  build_go_module github.com/aquasecurity/trivy "v$VERSION" ./cmd/trivy "$BIN/trivy" \
    "-s -w -X github.com/aquasecurity/trivy/pkg/version/app.ver=$VERSION"
  echo "install-trivy: built $("$BIN/trivy" --version | sed -n 1p) in $(( $(date +%s) - started ))s"
}

need_go install-trivy 26 "Trivy $VERSION"
if [ -x "$BIN/trivy" ] && "$BIN/trivy" --version 2>/dev/null | grep -qx "Version: $VERSION"; then
  echo "install-trivy: Trivy $VERSION already in .tools/bin"
else
  build_trivy
fi

# The generator's go.mod and go.sum are committed; -mod=readonly keeps the build from editing them.
(cd "$ROOT/test/fixtures/trivy-db/gen" && GOFLAGS=-mod=readonly go build -o "$BIN/trivy-fixture-db" .)
echo "install-trivy: fixture DB generator in .tools/bin/trivy-fixture-db"
