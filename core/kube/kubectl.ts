import { formatDurationMs } from "../duration.js";

/**
 * Every kubectl command line Gantry runs. The same argv runs on a host in tests and in a kubectl
 * container under Dagger; the kubeconfig comes from the environment (KUBECONFIG), never the argv.
 */
export const FIELD_MANAGER = "gantry";

/**
 * Server-side apply of the YAML on stdin, as field manager `gantry`. --force-conflicts: Gantry owns
 * the fields it applies, including those `kubectl scale` or `rollout undo` changed in between.
 */
export function applyArgv(namespace: string, options: { dryRun?: boolean } = {}): string[] {
  return [
    "kubectl",
    "apply",
    "--server-side",
    `--field-manager=${FIELD_MANAGER}`,
    "--force-conflicts",
    "--namespace",
    namespace,
    ...(options.dryRun ? ["--dry-run=server"] : []),
    "-f",
    "-",
  ];
}

/** Everything of one service in one call, as a JSON List: the objects carrying every label of `selector`. */
export function getArgv(namespace: string, selector: Record<string, string>, kinds: string[]): string[] {
  const labels = Object.entries(selector)
    .map(([k, v]) => `${k}=${v}`)
    .sort()
    .join(",");
  return ["kubectl", "get", kinds.join(","), "--namespace", namespace, "--selector", labels, "--output", "json"];
}

/** Sets (value) and removes (undefined) annotations in one update. */
export function annotateArgv(namespace: string, ref: string, annotations: Record<string, string | undefined>): string[] {
  const args = Object.entries(annotations).map(([k, v]) => (v === undefined ? `${k}-` : `${k}=${v}`));
  return ["kubectl", "annotate", "--overwrite", "--namespace", namespace, ref, ...args];
}

export function scaleArgv(namespace: string, deployment: string, replicas: number): string[] {
  return ["kubectl", "scale", "--namespace", namespace, `deployment/${deployment}`, `--replicas=${replicas}`];
}

export function deleteArgv(namespace: string, refs: string[]): string[] {
  return ["kubectl", "delete", "--namespace", namespace, "--ignore-not-found", ...refs];
}

export function rolloutStatusArgv(namespace: string, deployment: string, timeoutMs: number): string[] {
  return [
    "kubectl",
    "rollout",
    "status",
    "--namespace",
    namespace,
    `deployment/${deployment}`,
    `--timeout=${formatDurationMs(Math.max(1000, Math.ceil(timeoutMs / 1000) * 1000))}`,
  ];
}

export function rolloutUndoArgv(namespace: string, deployment: string): string[] {
  return ["kubectl", "rollout", "undo", "--namespace", namespace, `deployment/${deployment}`];
}

/** A GET through the API server's service proxy: `kubectl get --raw` exits 0 on a 2xx answer only. */
export function serviceProxyArgv(namespace: string, service: string, port: number | string, path: string): string[] {
  return ["kubectl", "get", "--raw", `/api/v1/namespaces/${namespace}/services/${service}:${port}/proxy${path}`];
}
