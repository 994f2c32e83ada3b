#!/usr/bin/env bash
# Builds a real Kubernetes control plane for the host tests into .tools/kube/<version>/bin:
# kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, etcd and kwok (fake nodes and
# kubelets), and fetches the Gateway API standard and experimental CRDs into
# .tools/kube/gateway-api-<version>/.
#
# Everything comes from the Go module proxy (no release downloads are reachable here):
# - Kubernetes is built from k8s.io/kubernetes through a small consumer module written below.
#   Kubernetes requires its staging modules at v0.0.0 and replaces them with ./staging paths; a
#   dependency's replace directives are ignored, so the consumer repeats each of them with the
#   published version. The block is generated from Kubernetes' own go.mod, so a new version
#   brings its own list.
# - etcd is built in the same module, at the version Kubernetes itself requires.
# - kwok is built in its own module graph: its other dependencies are newer than Kubernetes'
#   and would change what Kubernetes compiles with.
# Idempotent: a second run with the binaries present only checks a stamp (seconds).
# First build: 6-11 minutes on 2 cores, 22 minutes measured on a busy machine (scripts/README.md).
set -euo pipefail

# shellcheck source=scripts/kube-versions.sh
source "$(dirname "${BASH_SOURCE[0]}")/kube-versions.sh"
# gateway-api v1.7.0's go.mod says `go 1.27.0`; the local 1.26 toolchain refuses to download it,
# so that one download runs with a 1.27 toolchain (fetched through the module proxy). Only its YAML is used.
GATEWAY_API_TOOLCHAIN=go1.27.3

ROOT="$KUBE_ROOT"
BIN="$KUBE_BIN"
SRC="$KUBE_TOOLS/src"
GATEWAY_DIR="$(dirname "$GATEWAY_API_CRDS")"
STAMP="$BIN/.complete"
STAMP_TEXT="kubernetes v$KUBE_VERSION, kwok v$KWOK_VERSION"

# shellcheck source=go-module-build.sh
source "$KUBE_ROOT/scripts/go-module-build.sh"

export GOTOOLCHAIN=local CGO_ENABLED=0
export GOFLAGS="${GOFLAGS:-} -buildvcs=false"

write_consumer_module() {
  local kube_mod="$1"
  mkdir -p "$SRC"
  {
    echo "// Written by scripts/install-kube.sh: builds Kubernetes v$KUBE_VERSION and etcd from the module proxy."
    echo "module gantry.dev/kube-tools"
    echo
    echo "go 1.26.0"
    echo
    # godebug lines only take effect in the main module: repeat Kubernetes' own.
    grep -E '^godebug' "$kube_mod" || true
    echo
    echo "require k8s.io/kubernetes v$KUBE_VERSION"
    echo
    echo "replace ("
    # Every `k8s.io/<m> => ./staging/...` of Kubernetes' go.mod, in a block or on a replace line.
    awk -v v="v0.${KUBE_VERSION#1.}" '
      { line = $0; sub(/^replace[[:space:]]+/, "", line); n = split(line, f, /[[:space:]]+/) }
      { i = (f[1] == "" ? 2 : 1) }
      f[i+1] == "=>" && f[i+2] ~ /^\.\/staging\// {
        version = v
        # Not served by the proxy at v0.36.3 (never compiled here; only the graph needs it).
        if (f[i] == "k8s.io/sample-cli-plugin") version = "v0.36.1"
        printf "\t%s => %s %s\n", f[i], f[i], version
      }' "$kube_mod"
    echo ")"
  } >"$SRC/go.mod.new"
  local count
  count="$(grep -c '=> k8s.io/' "$SRC/go.mod.new")"
  if [ "$count" -lt 20 ]; then
    echo "install-kube: found only $count staging replaces in $kube_mod; refusing to build" >&2
    exit 1
  fi
  # Keep go.sum and the go.mod the go command completed when the header did not change.
  if ! [ -f "$SRC/go.mod.header" ] || ! cmp -s "$SRC/go.mod.new" "$SRC/go.mod.header"; then
    cp "$SRC/go.mod.new" "$SRC/go.mod.header"
    cp "$SRC/go.mod.new" "$SRC/go.mod"
    rm -f "$SRC/go.sum"
  fi
  rm -f "$SRC/go.mod.new"
  echo "install-kube: consumer module in ${SRC#"$ROOT/"} ($count staging replaces)"
}

build_kube() {
  local kube_mod info build_date ldflags pkg minor
  kube_mod="$(go_module_file GoMod "k8s.io/kubernetes@v$KUBE_VERSION")"
  info="$(go_module_file Info "k8s.io/kubernetes@v$KUBE_VERSION")"
  write_consumer_module "$kube_mod"
  # The release time recorded by the proxy, so the stamp does not change between builds.
  build_date="$(sed -n 's/.*"Time":"\([^"]*\)".*/\1/p' "$info")"
  minor="$(echo "$KUBE_VERSION" | cut -d. -f2)"
  ldflags="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    # No gitCommit: the proxy does not record the release's commit.
    ldflags+=" -X $pkg.gitVersion=v$KUBE_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    ldflags+=" -X $pkg.gitTreeState=archive -X $pkg.buildDate=$build_date"
  done
  (
    cd "$SRC"
    go build -mod=mod -trimpath -ldflags "$ldflags" -o "$BIN/" \
      k8s.io/kubernetes/cmd/kube-apiserver \
      k8s.io/kubernetes/cmd/kube-controller-manager \
      k8s.io/kubernetes/cmd/kube-scheduler \
      k8s.io/kubernetes/cmd/kubectl
    local etcd_version
    etcd_version="$(go list -mod=mod -m -f '{{.Version}}' go.etcd.io/etcd/server/v3)"
    go build -mod=mod -trimpath -ldflags "-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=$etcd_version" \
      -o "$BIN/etcd" go.etcd.io/etcd/server/v3
  )
}

# Inside its own module, so kwok's go.mod and go.sum decide everything it compiles with.
build_kwok() {
  build_go_module sigs.k8s.io/kwok "v$KWOK_VERSION" ./cmd/kwok "$BIN/kwok" \
    "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=v$KWOK_VERSION -X sigs.k8s.io/kwok/pkg/consts.KubeVersion=v$KUBE_VERSION"
}

# One multi-document file per channel, like the project's standard-install.yaml and
# experimental-install.yaml release assets. The experimental channel holds the standard one plus
# fields still in trial (HTTPRoute sessionPersistence): host tests that use those install it instead.
fetch_gateway_api() {
  if [ -f "$GATEWAY_API_CRDS" ] && [ -f "$GATEWAY_API_EXPERIMENTAL_CRDS" ]; then
    echo "install-kube: Gateway API v$GATEWAY_API_VERSION CRDs already in ${GATEWAY_DIR#"$ROOT/"}"
    return
  fi
  local dir
  dir="$(GOTOOLCHAIN=$GATEWAY_API_TOOLCHAIN go_module_file Dir "sigs.k8s.io/gateway-api@v$GATEWAY_API_VERSION")"
  if [ -z "$dir" ] || [ ! -d "$dir/config/crd/standard" ] || [ ! -d "$dir/config/crd/experimental" ]; then
    echo "install-kube: could not download sigs.k8s.io/gateway-api@v$GATEWAY_API_VERSION" >&2
    exit 1
  fi
  mkdir -p "$GATEWAY_DIR"
  concat_channel "$dir/config/crd/standard" "$GATEWAY_API_CRDS"
  concat_channel "$dir/config/crd/experimental" "$GATEWAY_API_EXPERIMENTAL_CRDS"
  echo "install-kube: Gateway API v$GATEWAY_API_VERSION standard and experimental CRDs in ${GATEWAY_DIR#"$ROOT/"}"
}

concat_channel() {
  local from="$1" to="$2" file
  : >"$to.partial"
  for file in "$from"/*.yaml; do
    case "$(basename "$file")" in kustomization.yaml) continue ;; esac
    { echo "---"; cat "$file"; } >>"$to.partial"
  done
  mv "$to.partial" "$to"
}

all_built() {
  [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$STAMP_TEXT" ] || return 1
  local b
  for b in "${KUBE_BINARIES[@]}"; do [ -x "$BIN/$b" ] || return 1; done
}

need_go install-kube 26 "Kubernetes v$KUBE_VERSION"
mkdir -p "$BIN"
if all_built; then
  echo "install-kube: $STAMP_TEXT already in ${BIN#"$ROOT/"}"
else
  started=$(date +%s)
  rm -f "$STAMP"
  echo "install-kube: building Kubernetes v$KUBE_VERSION, etcd and kwok v$KWOK_VERSION (first time: 6-20 minutes)"
  build_kube
  build_kwok
  echo "$STAMP_TEXT" >"$STAMP"
  echo "install-kube: built in $(( $(date +%s) - started ))s"
fi
fetch_gateway_api
"$BIN/kube-apiserver" --version
"$BIN/kubectl" version --client | sed -n 1p
"$BIN/etcd" --version | sed -n 1p
"$BIN/kwok" --version 2>&1 | sed -n 1p
