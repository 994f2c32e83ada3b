#!/usr/bin/env bash
# Installs the Prometheus Pushgateway into .tools/pushgateway/<version>/bin for the host tests that
# push a rollout's gantry_rollout_* metrics to a real one, built from its Go module (static, trimmed,
# version stamped as its .promu.yml does).
# Idempotent: does nothing when the binary already reports the pinned version.
set -euo pipefail

VERSION=1.11.1
MODULE=github.com/prometheus/pushgateway
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$ROOT/.tools/pushgateway/$VERSION/bin"
mkdir -p "$BIN"
# shellcheck source=go-module-build.sh
source "$ROOT/scripts/go-module-build.sh"

export GOTOOLCHAIN=local CGO_ENABLED=0
need_go install-pushgateway 23 "the Pushgateway $VERSION"

if [ -x "$BIN/pushgateway" ] && "$BIN/pushgateway" --version 2>&1 | grep -q "version $VERSION "; then
  echo "install-pushgateway: pushgateway $VERSION already in .tools/pushgateway/$VERSION/bin"
  exit 0
fi

started=$(date +%s)
build_go_module "$MODULE" "v$VERSION" . "$BIN/pushgateway" \
  "-s -w -X github.com/prometheus/common/version.Version=$VERSION -X github.com/prometheus/common/version.Branch=HEAD -X github.com/prometheus/common/version.Revision=v$VERSION"
echo "install-pushgateway: built $("$BIN/pushgateway" --version 2>&1 | sed -n 1p) in $(( $(date +%s) - started ))s"
