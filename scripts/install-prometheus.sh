#!/usr/bin/env bash
# Installs upstream Prometheus (with promtool) into .tools/prometheus/<version>/bin for the
# embedded-Prometheus host test (test/host/embedded-prometheus.test.ts). Debian's `prometheus`
# package is built without Kubernetes service discovery (its patch "Disable kubernetes SD"), and
# `deploy --embedded` discovers pods with kubernetes_sd_configs, as prom/prometheus does. Built
# from the Go module (3.x is published as v0.3xx.y) with the upstream build tags that keep only
# the Kubernetes SD (remove_all_sd, enable_kubernetes_sd), which halves the build; no web UI
# assets (the HTTP API is all the tests use). Idempotent: skips when the binaries report the version.
# GANTRY_PROMETHEUS_DIR overrides where it goes (the test reads the same variable).
set -euo pipefail

VERSION=3.16.0
MODULE=github.com/prometheus/prometheus
MODULE_VERSION=v0.316.0
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${GANTRY_PROMETHEUS_DIR:-$ROOT/.tools/prometheus/$VERSION}"
BIN="$DIR/bin"
# shellcheck source=go-module-build.sh
source "$ROOT/scripts/go-module-build.sh"

# GOWORK=off: the module ships a go.work naming directories its published zip leaves out.
export GOTOOLCHAIN=local CGO_ENABLED=0 GOWORK=off
need_go install-prometheus 26 "Prometheus $VERSION"

if [ -x "$BIN/prometheus" ] && [ -x "$BIN/promtool" ] && "$BIN/prometheus" --version 2>&1 | grep -q "version $VERSION "; then
  echo "install-prometheus: prometheus $VERSION already in $BIN"
  exit 0
fi

mkdir -p "$BIN"
started=$(date +%s)
src="$(go_module_file Dir "$MODULE@$MODULE_VERSION")"
[ -d "$src" ] || { echo "install-prometheus: could not download $MODULE@$MODULE_VERSION" >&2; exit 1; }
ldflags="-s -w -X github.com/prometheus/common/version.Version=$VERSION -X github.com/prometheus/common/version.Branch=$MODULE_VERSION"
for cmd in prometheus promtool; do
  (cd "$src" && go build -trimpath -tags remove_all_sd,enable_kubernetes_sd -ldflags "$ldflags" -o "$BIN/$cmd.partial" "./cmd/$cmd")
  mv "$BIN/$cmd.partial" "$BIN/$cmd"
done
echo "install-prometheus: built prometheus and promtool $VERSION in $(( $(date +%s) - started ))s"
