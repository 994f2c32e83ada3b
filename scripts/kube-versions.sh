# Versions and paths of the test control plane, shared by install-kube.sh and cluster.sh (sourced).
# Why 1.36: kwok v0.8.0 is built against the 1.36 client libraries, and 1.36 declares go 1.26.0.
KUBE_VERSION=1.36.3
KWOK_VERSION=0.8.0
GATEWAY_API_VERSION=1.7.0

KUBE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KUBE_TOOLS="$KUBE_ROOT/.tools/kube/v$KUBE_VERSION"
KUBE_BIN="$KUBE_TOOLS/bin"
GATEWAY_API_CRDS="$KUBE_ROOT/.tools/kube/gateway-api-v$GATEWAY_API_VERSION/standard-install.yaml"
GATEWAY_API_EXPERIMENTAL_CRDS="$KUBE_ROOT/.tools/kube/gateway-api-v$GATEWAY_API_VERSION/experimental-install.yaml"
KUBE_BINARIES=(kube-apiserver kube-controller-manager kube-scheduler kubectl etcd kwok)
