#!/usr/bin/env bash
# Installs actionlint (pinned) into .tools/bin, built from its Go module the way its releases are
# (static, trimmed, version stamped). The host tests lint the generated GitHub workflows with it;
# actionlint runs shellcheck (installed by setup.sh through install-apt.sh) on every `run:` step.
# Idempotent: does nothing when .tools/bin/actionlint already reports the pinned version.
set -euo pipefail

VERSION=v1.7.12
MODULE=github.com/rhysd/actionlint
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$ROOT/.tools/bin"
mkdir -p "$BIN"
# shellcheck source=go-module-build.sh
source "$ROOT/scripts/go-module-build.sh"

export GOTOOLCHAIN=local CGO_ENABLED=0

if [ -x "$BIN/actionlint" ] && [ "$("$BIN/actionlint" -version 2>/dev/null | sed -n 1p)" = "$VERSION" ]; then
  echo "install-actionlint: actionlint $VERSION already in .tools/bin"
  exit 0
fi

need_go install-actionlint 25 "actionlint $VERSION"
build_go_module "$MODULE" "$VERSION" ./cmd/actionlint "$BIN/actionlint" "-s -w -X $MODULE.version=$VERSION"
echo "install-actionlint: built $("$BIN/actionlint" -version | sed -n 1p)"
