#!/usr/bin/env bash
# Installs what Gantry's tests need on a fresh machine: the npm packages and the real tools the
# host tests run (go must already be installed). Safe to run again: each step skips work done.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "--- npm packages (exactly the lock: a drift fails here, loudly)"
npm ci --no-audit --no-fund

echo "--- registry tools (docker-registry, htpasswd) and crane (built from the Go module proxy into .tools/bin)"
bash scripts/install-registry.sh
bash scripts/install-crane.sh

echo "--- trivy (built from the Go module proxy into .tools/bin)"
bash scripts/install-trivy.sh

echo "--- actionlint and shellcheck (lint the generated GitHub workflows)"
bash scripts/install-actionlint.sh

echo "--- tools"
go version
.tools/bin/trivy --version | head -1
.tools/bin/actionlint -version | head -1
shellcheck --version | sed -n 2p
