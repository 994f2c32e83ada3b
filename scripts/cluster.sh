#!/usr/bin/env bash
# A real Kubernetes control plane on loopback for the host tests (binaries from install-kube.sh):
# etcd, kube-apiserver, kube-controller-manager, kube-scheduler, and kwok playing the kubelets of
# fake nodes (pods become Running/Ready through the stages in scripts/kwok/).
#
#   scripts/cluster.sh up <dir>     start a cluster; writes <dir>/kubeconfig and <dir>/cluster.env
#   scripts/cluster.sh down <dir>   stop every process of that cluster (by PID) and wait for them
#
# Every port is picked free at start, so several clusters can run at once (one <dir> each).
# Logs are <dir>/<component>.log, PIDs <dir>/<component>.pid. With GANTRY_CLUSTER_OWNER_PID set,
# a watchdog runs `down` as soon as that process is gone (a killed test run leaves nothing behind).
set -euo pipefail

# shellcheck source=scripts/kube-versions.sh
source "$(dirname "${BASH_SOURCE[0]}")/kube-versions.sh"
SCRIPT="$KUBE_ROOT/scripts/cluster.sh"

NODES=(kwok-node-0 kwok-node-1)
# Documentation addresses (RFC 5737): the API server needs a non-loopback advertise address,
# nothing ever connects to it.
ADVERTISE_ADDRESS=192.0.2.10
SERVICE_CIDR=10.96.0.0/16
FIRST_SERVICE_IP=10.96.0.1
POD_CIDR=10.244.0.0/16
# Start order; `down` stops them in reverse.
COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)
START_TIMEOUT=${GANTRY_CLUSTER_START_TIMEOUT:-90}
STOP_GRACE=${GANTRY_CLUSTER_STOP_GRACE:-15}

die() { echo "cluster: $*" >&2; exit 1; }
log() { echo "cluster: $*" >&2; }

usage() { die "usage: $0 up|down <dir>"; }

STARTED="$(date +%s.%N)"
# Progress with the time since the script started, on stderr.
step() { log "$(awk -v s="$STARTED" -v n="$(date +%s.%N)" 'BEGIN { printf "%5.1fs", n - s }') $*"; }

# --- ports -----------------------------------------------------------------------------------
PICKED=" "
port_taken() {
  local hex
  hex="$(printf ':%04X ' "$1")"
  grep -q "$hex" /proc/net/tcp /proc/net/tcp6 2>/dev/null
}
# A port below the ephemeral range (so outgoing connections do not take it) that nothing listens on.
free_port() {
  local port tries=0
  while :; do
    port=$(( 20000 + (RANDOM * 32768 + RANDOM) % 12000 ))
    if [[ "$PICKED" != *" $port "* ]] && ! port_taken "$port"; then
      PICKED+="$port "
      echo "$port"
      return
    fi
    tries=$((tries + 1))
    [ "$tries" -lt 200 ] || die "no free port found"
  done
}

# --- PKI -------------------------------------------------------------------------------------
# sign <name> <subject> <extensions>: an EC key and a certificate signed by the cluster CA.
sign() {
  local name="$1" subject="$2" extensions="$3"
  openssl ecparam -name prime256v1 -genkey -noout -out "$PKI/$name.key" 2>/dev/null
  openssl req -new -key "$PKI/$name.key" -subj "$subject" -out "$PKI/$name.csr" 2>/dev/null
  printf '%s\n' "$extensions" >"$PKI/$name.ext"
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
    -days 30 -sha256 -extfile "$PKI/$name.ext" -out "$PKI/$name.crt" 2>/dev/null
  rm -f "$PKI/$name.csr" "$PKI/$name.ext"
}

make_pki() {
  mkdir -p "$PKI"
  openssl ecparam -name prime256v1 -genkey -noout -out "$PKI/ca.key" 2>/dev/null
  openssl req -x509 -new -key "$PKI/ca.key" -subj "/CN=gantry-test-ca" -days 30 -sha256 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
    -out "$PKI/ca.crt" 2>/dev/null
  sign apiserver "/CN=kube-apiserver" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,IP:$FIRST_SERVICE_IP,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
  # One admin identity for kubectl, the controller manager, the scheduler and kwok.
  sign admin "/O=system:masters/CN=gantry-admin" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"
  # Service-account tokens are signed with this RSA key pair.
  openssl genrsa -out "$PKI/sa.key" 2048 2>/dev/null
  openssl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
}

write_kubeconfig() {
  local server="$1"
  cat >"$DIR/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: gantry-test
  cluster:
    server: $server
    certificate-authority-data: $(base64 -w0 "$PKI/ca.crt")
users:
- name: gantry-admin
  user:
    client-certificate-data: $(base64 -w0 "$PKI/admin.crt")
    client-key-data: $(base64 -w0 "$PKI/admin.key")
contexts:
- name: gantry-test
  context:
    cluster: gantry-test
    user: gantry-admin
current-context: gantry-test
EOF
  chmod 600 "$DIR/kubeconfig"
}

# --- processes -------------------------------------------------------------------------------
# start <component> <argv...>: in its own session, detached from our stdout (a caller reading our
# output must not wait for the cluster), output in <dir>/<component>.log.
start() {
  local name="$1"; shift
  setsid "$@" </dev/null >"$DIR/$name.log" 2>&1 &
  echo $! >"$DIR/$name.pid"
}

# Exited processes stay zombies until init reaps them: they do not count.
running() { [ -e "/proc/$1" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]; }

alive() {
  local pid
  pid="$(cat "$DIR/$1.pid" 2>/dev/null)" || return 1
  running "$pid"
}

fail_with_log() {
  local name="$1" why="$2"
  {
    echo "cluster: $name $why; last lines of $DIR/$name.log:"
    tail -n 40 "$DIR/$name.log" 2>/dev/null | sed 's/^/  | /'
  } >&2
  "$SCRIPT" down "$DIR" >&2 || true
  exit 1
}

# wait_until <component> <what> <command...>: polls the command until it succeeds, failing with
# the component's log when the component dies or START_TIMEOUT passes.
wait_until() {
  local name="$1" what="$2"; shift 2
  local deadline=$(( $(date +%s) + START_TIMEOUT ))
  until "$@" >/dev/null 2>&1; do
    alive "$name" || fail_with_log "$name" "exited before $what"
    [ "$(date +%s)" -lt "$deadline" ] || fail_with_log "$name" "not $what after ${START_TIMEOUT}s"
    sleep 0.2
  done
}

# etcd's /health over bash's own TCP redirection (no curl needed).
etcd_healthy() {
  local reply
  exec 3<>"/dev/tcp/127.0.0.1/$1" || return 1
  printf 'GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
  reply="$(cat <&3)"
  exec 3<&-
  [[ "$reply" == *'"health":"true"'* ]]
}

kubectl_() { "$KUBE_BIN/kubectl" --kubeconfig "$DIR/kubeconfig" "$@"; }

node_manifests() {
  local node
  for node in "${NODES[@]}"; do
    cat <<EOF
---
apiVersion: v1
kind: Node
metadata:
  name: $node
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    type: kwok
    kubernetes.io/arch: amd64
    kubernetes.io/hostname: $node
    kubernetes.io/os: linux
    kubernetes.io/role: agent
    node-role.kubernetes.io/agent: ""
status:
  allocatable:
    cpu: "32"
    memory: 256Gi
    pods: "110"
  capacity:
    cpu: "32"
    memory: 256Gi
    pods: "110"
EOF
  done
}

up_once() {
  local b
  for b in "${KUBE_BINARIES[@]}"; do
    [ -x "$KUBE_BIN/$b" ] || die "$KUBE_BIN/$b is missing: run \`npm run setup\` (scripts/install-kube.sh builds the control plane)"
  done
  [ -f "$GATEWAY_API_CRDS" ] || die "$GATEWAY_API_CRDS is missing: run \`npm run setup\`"
  [ -f "$PROMETHEUS_OPERATOR_CRDS" ] || die "$PROMETHEUS_OPERATOR_CRDS is missing: run \`bash scripts/install-kube.sh\`"
  command -v openssl >/dev/null || die "openssl is required"
  mkdir -p "$DIR"
  for b in "${COMPONENTS[@]}"; do
    ! alive "$b" || die "$DIR already runs a cluster ($b is alive); run \`$0 down $DIR\` first"
  done
  rm -rf "$DIR/etcd-data" "$DIR/pki" "$DIR"/*.pid "$DIR"/*.log
  PKI="$DIR/pki"
  make_pki
  step "PKI written"

  local etcd_port etcd_peer_port api_port cm_port sched_port server
  etcd_port="$(free_port)"; etcd_peer_port="$(free_port)"; api_port="$(free_port)"
  cm_port="$(free_port)"; sched_port="$(free_port)"
  server="https://127.0.0.1:$api_port"
  write_kubeconfig "$server"

  if [ -n "${GANTRY_CLUSTER_OWNER_PID:-}" ]; then
    start watchdog bash -c 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; exec "$2" down "$3"' \
      watchdog "$GANTRY_CLUSTER_OWNER_PID" "$SCRIPT" "$DIR"
  fi

  start etcd "$KUBE_BIN/etcd" --name default --data-dir "$DIR/etcd-data" \
    --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$etcd_peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer_port" \
    --initial-cluster "default=http://127.0.0.1:$etcd_peer_port" \
    --unsafe-no-fsync --log-level warn
  wait_until etcd "healthy" etcd_healthy "$etcd_port"
  step "etcd healthy on 127.0.0.1:$etcd_port"

  # --allow-privileged: privileged pods are the PodSecurity admission's to refuse, per namespace.
  start kube-apiserver "$KUBE_BIN/kube-apiserver" \
    --etcd-servers "http://127.0.0.1:$etcd_port" \
    --bind-address 127.0.0.1 --secure-port "$api_port" --advertise-address "$ADVERTISE_ADDRESS" \
    --cert-dir "$PKI" --tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" \
    --client-ca-file "$PKI/ca.crt" \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$PKI/sa.pub" --service-account-signing-key-file "$PKI/sa.key" \
    --service-cluster-ip-range "$SERVICE_CIDR" \
    --authorization-mode Node,RBAC \
    --allow-privileged=true \
    --profiling=false
  wait_until kube-apiserver "ready" kubectl_ get --raw /readyz
  step "kube-apiserver ready on $server"

  start kube-controller-manager "$KUBE_BIN/kube-controller-manager" \
    --kubeconfig "$DIR/kubeconfig" \
    --authentication-kubeconfig "$DIR/kubeconfig" --authorization-kubeconfig "$DIR/kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$cm_port" --cert-dir "$PKI/controller-manager" \
    --leader-elect=false --controllers '*,-nodeipam' \
    --service-account-private-key-file "$PKI/sa.key" --root-ca-file "$PKI/ca.crt" \
    --cluster-cidr "$POD_CIDR" --service-cluster-ip-range "$SERVICE_CIDR" \
    --profiling=false
  start kube-scheduler "$KUBE_BIN/kube-scheduler" \
    --kubeconfig "$DIR/kubeconfig" \
    --authentication-kubeconfig "$DIR/kubeconfig" --authorization-kubeconfig "$DIR/kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$sched_port" --cert-dir "$PKI/scheduler" \
    --leader-elect=false --profiling=false

  # kwok reads every stage from one configuration file.
  local stage
  : >"$DIR/kwok.yaml"
  for stage in "$KUBE_ROOT"/scripts/kwok/*.yaml; do
    { echo "---"; cat "$stage"; } >>"$DIR/kwok.yaml"
  done
  start kwok "$KUBE_BIN/kwok" --kubeconfig "$DIR/kubeconfig" --config "$DIR/kwok.yaml" \
    --manage-all-nodes=false --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake \
    --cidr "${POD_CIDR%/*}/24" --node-lease-duration-seconds 40

  node_manifests | kubectl_ apply -f - >/dev/null || fail_with_log kube-apiserver "refused the Node objects"
  local node
  for node in "${NODES[@]}"; do
    wait_until kwok "making $node Ready" \
      bash -c '[ "$("$@")" = True ]' _ "$KUBE_BIN/kubectl" --kubeconfig "$DIR/kubeconfig" get node "$node" \
      -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'
  done
  step "nodes ${NODES[*]} Ready"
  # Pods without a service account are refused until the controller manager creates "default".
  wait_until kube-controller-manager "creating the default service account" kubectl_ get serviceaccount default -n default
  alive kube-scheduler || fail_with_log kube-scheduler "exited"

  cat >"$DIR/cluster.env" <<EOF
KUBECONFIG=$DIR/kubeconfig
SERVER=$server
KUBECTL=$KUBE_BIN/kubectl
KUBE_VERSION=v$KUBE_VERSION
GATEWAY_API_CRDS=$GATEWAY_API_CRDS
GATEWAY_API_VERSION=v$GATEWAY_API_VERSION
PROMETHEUS_OPERATOR_CRDS=$PROMETHEUS_OPERATOR_CRDS
EOF
  step "up in $DIR: $server (kubeconfig $DIR/kubeconfig)"
}

# Ports are checked free, then taken by the components a moment later: another cluster starting
# at the same time may take one in between. Start again on new ports when that happened.
up() {
  local attempt
  for attempt in 1 2 3; do
    if (up_once); then return 0; fi
    grep -qs "address already in use" "$DIR"/*.log || exit 1
    log "a port was taken meanwhile (attempt $attempt); starting again on other ports"
  done
  exit 1
}

# The PID is ours only while its command line still names the process we started.
ours() {
  local pid="$1" name="$2"
  [ -r "/proc/$pid/cmdline" ] || return 1
  case "$name" in
    # The watchdog may have become this very `down` (it execs it): never stop ourselves.
    watchdog) [ "$pid" != "$$" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "$DIR" ;;
    *) tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "/$name " ;;
  esac
}

# stop_one <pid>: SIGTERM, then SIGKILL after STOP_GRACE seconds; returns once it has exited
# (a zombie waiting to be reaped by init counts as exited).
stop_one() {
  local pid="$1" deadline=$(( $(date +%s) + STOP_GRACE ))
  kill -TERM "$pid" 2>/dev/null || return 0
  while running "$pid"; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      log "process $pid ignored SIGTERM for ${STOP_GRACE}s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      deadline=$(( $(date +%s) + STOP_GRACE ))
    fi
    sleep 0.1
  done
}

down() {
  local name pid i names=(watchdog)
  # The watchdog first (it only waits to call us), then the components in reverse start order,
  # one at a time: the API server shuts down quickly only while etcd still answers.
  for (( i = ${#COMPONENTS[@]} - 1; i >= 0; i-- )); do names+=("${COMPONENTS[$i]}"); done
  for name in "${names[@]}"; do
    [ -f "$DIR/$name.pid" ] || continue
    pid="$(cat "$DIR/$name.pid")"
    if ours "$pid" "$name"; then stop_one "$pid"; fi
    rm -f "$DIR/$name.pid"
  done
  rm -f "$DIR/cluster.env"
}

[ $# -eq 2 ] || usage
DIR="$(mkdir -p "$2" && cd "$2" && pwd)"
case "$1" in
  up) up ;;
  down) down ;;
  *) usage ;;
esac
