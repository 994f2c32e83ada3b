#!/usr/bin/env bash
# Installs actionlint (pinned) into .tools/bin and Debian's shellcheck, which actionlint runs on
# every `run:` step when it is on PATH. The host tests lint the generated GitHub workflows with them.
# Idempotent: does nothing when both are already there at the right version.
set -euo pipefail

VERSION=v1.7.12
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$ROOT/.tools/bin"
mkdir -p "$BIN"

if [ -x "$BIN/actionlint" ] && [ "$("$BIN/actionlint" -version | head -n 1)" = "$VERSION" ]; then
  echo "install-actionlint: actionlint $VERSION already in .tools/bin"
else
  if ! command -v go >/dev/null; then
    echo "install-actionlint: Go is required to build actionlint $VERSION" >&2
    exit 1
  fi
  echo "install-actionlint: building actionlint $VERSION from its Go module"
  GOBIN="$BIN" GOTOOLCHAIN=local CGO_ENABLED=0 go install "github.com/rhysd/actionlint/cmd/actionlint@$VERSION"
fi

if command -v shellcheck >/dev/null; then
  echo "install-actionlint: $(shellcheck --version | sed -n 2p | tr -d '\n') already installed"
else
  echo "install-actionlint: installing shellcheck from Debian's packages"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq shellcheck >/dev/null
fi
