#!/usr/bin/env bash
# Fetches the CRDs of the GitOps tools Gantry writes objects for, so the host tests can check an Argo
# CD Application and a Flux Kustomization (and its GitRepository) by server-side dry-run against the
# real schemas: .tools/gitops-crds/argo-cd-v<A>_flux-v<F>/crds.yaml, one multi-document file.
#
# Everything comes from the Go module proxy (no release downloads are reachable here): the CRDs are
# files of the projects' own modules (argo-cd's manifests/crds, the Flux controllers' config/crd/bases).
# The three modules' go.mod say `go 1.27.0`, which the local 1.26 toolchain refuses to download; the
# download alone runs with a 1.27 toolchain (itself fetched through the module proxy). Only YAML is used.
# Idempotent: a second run with the file present does nothing. First run: about 10 seconds (the argo-cd
# module is a 56 MB zip).
set -euo pipefail

ARGO_CD_VERSION=3.6.2
FLUX_KUSTOMIZE_CONTROLLER_VERSION=1.10.2
FLUX_SOURCE_CONTROLLER_VERSION=1.10.2
TOOLCHAIN=go1.27.3

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="$ROOT/.tools/gitops-crds/argo-cd-v${ARGO_CD_VERSION}_flux-v${FLUX_KUSTOMIZE_CONTROLLER_VERSION}"
OUT="$DIR/crds.yaml"

# shellcheck source=go-module-build.sh
source "$ROOT/scripts/go-module-build.sh"

if [ -f "$OUT" ]; then
  echo "install-gitops-crds: already in ${DIR#"$ROOT/"}"
  exit 0
fi
need_go install-gitops-crds 26 "nothing (the go command downloads the CRDs' modules)"

module_dir() {
  local dir
  dir="$(GOTOOLCHAIN=$TOOLCHAIN go_module_file Dir "$1")"
  if [ -z "$dir" ] || [ ! -d "$dir" ]; then
    echo "install-gitops-crds: could not download $1" >&2
    exit 1
  fi
  echo "$dir"
}

argo="$(module_dir "github.com/argoproj/argo-cd/v3@v$ARGO_CD_VERSION")"
kustomize="$(module_dir "github.com/fluxcd/kustomize-controller@v$FLUX_KUSTOMIZE_CONTROLLER_VERSION")"
source_controller="$(module_dir "github.com/fluxcd/source-controller@v$FLUX_SOURCE_CONTROLLER_VERSION")"

mkdir -p "$DIR"
: >"$OUT.partial"
for file in \
  "$argo/manifests/crds/application-crd.yaml" \
  "$argo/manifests/crds/appproject-crd.yaml" \
  "$kustomize/config/crd/bases/kustomize.toolkit.fluxcd.io_kustomizations.yaml" \
  "$source_controller/config/crd/bases/source.toolkit.fluxcd.io_gitrepositories.yaml"; do
  if [ ! -f "$file" ]; then
    echo "install-gitops-crds: $file is missing from its module" >&2
    exit 1
  fi
  { echo "---"; cat "$file"; } >>"$OUT.partial"
done
mv "$OUT.partial" "$OUT"
echo "install-gitops-crds: Argo CD v$ARGO_CD_VERSION and Flux CRDs in ${DIR#"$ROOT/"}/crds.yaml"
