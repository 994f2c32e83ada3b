// Helpers for the kube host tests: the rollout loop's ports over a real cluster's kubectl, and
// namespaces that enforce Pod Security "restricted".
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

import type { Cluster } from "./cluster.js";
import { systemClock, type Ports } from "../../core/kube/ports.js";

/** The loop's ports over the cluster: the core's argv run by the cluster's own kubectl. */
export function clusterPorts(cluster: Cluster, extra: Partial<Ports> = {}): Ports {
  return {
    kubectl: {
      run(argv, stdin) {
        if (argv[0] !== "kubectl") throw new Error(`not a kubectl argv: ${argv.join(" ")}`);
        return cluster.kubectl(argv.slice(1), stdin === undefined ? {} : { input: stdin });
      },
    },
    clock: systemClock,
    http: {
      async get(url) {
        const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
        return { status: response.status, body: await response.text() };
      },
    },
    ...extra,
  };
}

let counter = 0;

/**
 * A fresh namespace enforcing Pod Security "restricted", once its default service account exists
 * (pods are refused before it does).
 */
export async function restrictedNamespace(cluster: Cluster, prefix: string): Promise<string> {
  const name = `${prefix}-${process.pid}-${++counter}`;
  const manifest = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n  labels:\n    pod-security.kubernetes.io/enforce: restricted\n    pod-security.kubernetes.io/warn: restricted\n`;
  const created = await cluster.kubectl(["apply", "-f", "-"], { input: manifest });
  if (created.status !== 0) throw new Error(`namespace ${name}: ${created.stderr}`);
  const deadline = Date.now() + 60_000;
  while ((await cluster.kubectl(["get", "serviceaccount", "default"], { namespace: name })).status !== 0) {
    if (Date.now() > deadline) throw new Error(`namespace ${name}: no default service account after 60s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return name;
}

/** `kubectl get -o json`, parsed; fails the test with kubectl's message. */
export async function getJson(cluster: Cluster, namespace: string, args: string[]): Promise<any> {
  const ran = await cluster.kubectl(["get", ...args, "-o", "json"], { namespace });
  if (ran.status !== 0) throw new Error(`kubectl get ${args.join(" ")}: ${ran.stderr}`);
  return JSON.parse(ran.stdout);
}

/** The object, or undefined when it does not exist. */
export async function find(cluster: Cluster, namespace: string, ref: string): Promise<any | undefined> {
  const ran = await cluster.kubectl(["get", ref, "-o", "json", "--ignore-not-found"], { namespace });
  if (ran.status !== 0) throw new Error(`kubectl get ${ref}: ${ran.stderr}`);
  return ran.stdout.trim() === "" ? undefined : JSON.parse(ran.stdout);
}

/**
 * The Gateway API CRDs, applied and established (for HTTPRoute): the standard channel, or the
 * experimental one (a superset, with HTTPRoute sessionPersistence), fetched next to it by
 * scripts/install-kube.sh. A cluster takes one channel: the CRDs refuse experimental over standard.
 */
export async function installGatewayApi(cluster: Cluster, channel: "standard" | "experimental" = "standard"): Promise<void> {
  const file = channel === "standard" ? cluster.gatewayApiCrds : join(dirname(cluster.gatewayApiCrds), "experimental-install.yaml");
  if (!existsSync(file)) throw new Error(`${file} is missing: run scripts/install-kube.sh (or npm run setup)`);
  const crds = await cluster.kubectl(["apply", "--server-side", "-f", "-"], { input: readFileSync(file, "utf8") });
  if (crds.status !== 0) throw new Error(`Gateway API CRDs (${channel}): ${crds.stderr}`);
  const established = await cluster.kubectl(["wait", "--for=condition=Established", "crd/httproutes.gateway.networking.k8s.io", "--timeout=60s"]);
  if (established.status !== 0) throw new Error(`Gateway API CRDs not established: ${established.stderr}`);
}

/** `kubectl apply --server-side --dry-run=server` of one object: what the API server says of it, changing nothing. */
export async function dryRun(cluster: Cluster, namespace: string, object: unknown): Promise<{ accepted: boolean; stderr: string }> {
  const ran = await cluster.kubectl(["apply", "--server-side", "--dry-run=server", "--force-conflicts", "-f", "-"], {
    namespace,
    input: JSON.stringify(object),
  });
  return { accepted: ran.status === 0, stderr: ran.stderr };
}

/** The Prometheus Operator's ServiceMonitor and PrometheusRule CRDs, applied and established. */
export async function installPrometheusOperatorCrds(cluster: Cluster): Promise<void> {
  const crds = await cluster.kubectl(["apply", "--server-side", "-f", "-"], { input: readFileSync(cluster.prometheusOperatorCrds, "utf8") });
  if (crds.status !== 0) throw new Error(`Prometheus Operator CRDs: ${crds.stderr}`);
  for (const crd of ["servicemonitors.monitoring.coreos.com", "prometheusrules.monitoring.coreos.com"]) {
    const established = await cluster.kubectl(["wait", "--for=condition=Established", `crd/${crd}`, "--timeout=60s"]);
    if (established.status !== 0) throw new Error(`${crd} not established: ${established.stderr}`);
  }
}
