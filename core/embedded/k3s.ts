// The embedded k3s server: its command line, its registry mirror file and the cgroup preparation it
// needs when it is not PID 1 of its container. The Dagger adapter runs exactly these.
import { stringify } from "yaml";

import { PIECES } from "./pieces.js";

/** Where k3s writes the admin kubeconfig: a cache volume shared with the container that reads it. */
export const KUBECONFIG_DIR = "/gantry/k3s";
export const KUBECONFIG_FILE = `${KUBECONFIG_DIR}/kubeconfig.yaml`;
export const REGISTRIES_FILE = "/etc/rancher/k3s/registries.yaml";
export const CGROUP_SCRIPT_PATH = "/usr/local/bin/gantry-cgroup-init";

/** The registry as the cluster and the pipeline name it: `gantry-registry:5000`. */
export function embeddedRegistryHost(): string {
  return `${PIECES.registry.host}:${PIECES.registry.port}`;
}

/** k3s's state: the cluster (server) and the node (agent) under it are wiped at every start. */
export const K3S_STATE_DIR = "/var/lib/rancher/k3s";

/**
 * `k3s server` with what a throwaway single-node cluster does not need switched off (ingress,
 * load balancer, metrics server, storage, DNS: the demo's pods call nothing by name), the API
 * server's certificate valid for the name other containers use, and the kubeconfig where the
 * reader finds it. The egress selector is off so the API server's pod proxy (Prometheus scrapes
 * through it) dials pods directly. Every run starts an empty cluster: the server and agent state of
 * an earlier run in the same cache volume goes first (what k3s unpacks from its binary stays).
 */
export function k3sServerArgv(): string[] {
  const flags = [
    "--disable=traefik,servicelb,metrics-server,local-storage,coredns",
    `--tls-san=${PIECES.k3s.host}`,
    `--write-kubeconfig=${KUBECONFIG_FILE}`,
    "--write-kubeconfig-mode=0644",
    "--egress-selector-mode=disabled",
  ];
  return [CGROUP_SCRIPT_PATH, "sh", "-c", `rm -rf ${K3S_STATE_DIR}/server ${K3S_STATE_DIR}/agent && exec k3s server ${flags.join(" ")}`];
}

/** containerd pulls the pipeline's images from the embedded registry over plain HTTP (it has no TLS). */
export function registriesYaml(): string {
  const host = embeddedRegistryHost();
  return stringify({ mirrors: { [host]: { endpoint: [`http://${host}`] } } });
}

/**
 * k3s sets up cgroup v2 nesting only as PID 1; under Dagger it is not, so this does it first: move
 * every process out of the root cgroup (a cgroup with processes cannot delegate controllers), enable
 * every controller for the children, then exec the command: the steps of moby's dind script.
 * GANTRY_CGROUP_ROOT exists for the host test, which runs it on a directory.
 */
export const CGROUP_SCRIPT = `#!/bin/sh
set -eu
root="\${GANTRY_CGROUP_ROOT:-/sys/fs/cgroup}"
if [ -f "$root/cgroup.controllers" ]; then
  mkdir -p "$root/gantry-init"
  while read -r pid; do echo "$pid" > "$root/gantry-init/cgroup.procs" 2>/dev/null || true; done < "$root/cgroup.procs"
  sed -e 's/ / +/g' -e 's/^/+/' < "$root/cgroup.controllers" > "$root/cgroup.subtree_control"
fi
exec "$@"
`;

/** Waits for k3s to write the kubeconfig (the server is started, not yet ready), then prints it. */
export function readKubeconfigArgv(timeoutSeconds = 120): string[] {
  return [
    "sh",
    "-c",
    `i=0; until [ -s ${KUBECONFIG_FILE} ]; do i=$((i+1)); [ $i -le ${timeoutSeconds * 2} ] || { echo "k3s wrote no kubeconfig in ${timeoutSeconds}s" >&2; exit 1; }; sleep 0.5; done; cat ${KUBECONFIG_FILE}`,
  ];
}
