// The namespace an environment may create (`createNamespace: true`): labelled for Pod Security
// admission, which enforces the "restricted" profile Gantry's Deployments are written to pass.
import { GantryError } from "../../errors.js";
import type { KubeObject } from "./objects.js";

/** The labels Pod Security admission reads: enforce, audit and warn at "restricted", each at the latest version. */
export const POD_SECURITY_LABELS: Record<string, string> = Object.fromEntries(
  ["enforce", "audit", "warn"].flatMap((mode) => [
    [`pod-security.kubernetes.io/${mode}`, "restricted"],
    [`pod-security.kubernetes.io/${mode}-version`, "latest"],
  ]),
);

export function renderNamespace(name: string): KubeObject {
  return { apiVersion: "v1", kind: "Namespace", metadata: { name, labels: { "app.kubernetes.io/managed-by": "gantry", ...POD_SECURITY_LABELS } } };
}

/** Whether kubectl's error says the namespace does not exist (`Error from server (NotFound): namespaces "x" not found`). */
export function namespaceMissing(stderr: string, namespace: string): boolean {
  return stderr.includes(`namespaces "${namespace}" not found`);
}

/** The error for a missing namespace, naming the setting that would create it. */
export function missingNamespaceError(environment: string, namespace: string): GantryError {
  return new GantryError(
    `namespace ${namespace} of environment ${environment} does not exist: create it, or set createNamespace: true under environments.${environment} in the pipeline file to have the deploy create it (with the Pod Security "restricted" labels)`,
  );
}
