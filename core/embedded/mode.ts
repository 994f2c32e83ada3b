// When `deploy` runs against the embedded cluster instead of a real one.
import { ArgumentError } from "../errors.js";
import { PIECES, type PieceName } from "./pieces.js";

export interface DeployTarget {
  /** --embedded was given. */
  embedded: boolean;
  /** --bad-canary was given. */
  badCanary: boolean;
  /** A kubeconfig or a cluster service was passed as an argument. */
  clusterGiven: boolean;
  /** The kubeconfig the environment's deploy stage names in the pipeline file. */
  kubeconfigReference?: string;
  /** The registry to publish to, from --repository or the pipeline's publish.repository. */
  repository?: string;
  /** --image was given: something already pushed somewhere. */
  imageGiven: boolean;
  /** Image overrides given for the embedded pieces (empty or absent: the pin). */
  images: Partial<Record<PieceName, string>>;
}

/**
 * Rule: the demo never touches a cluster a kubeconfig points at, unless asked. The embedded cluster
 * runs when --embedded says so, or when nothing names a cluster, a registry or an image at all; a
 * half-described target (a registry but no cluster) keeps failing with the missing piece named.
 */
export function usesEmbeddedCluster(t: DeployTarget): boolean {
  const namesCluster = t.clusterGiven || t.kubeconfigReference !== undefined;
  if (t.embedded && t.clusterGiven) {
    throw new ArgumentError("embedded", "starts its own cluster; drop --kubeconfig and --cluster, or drop --embedded to deploy to that cluster");
  }
  const embedded = t.embedded || (!namesCluster && !t.repository && !t.imageGiven);
  if (t.badCanary && !embedded) {
    throw new ArgumentError("badCanary", "raises the canary's error rate to show an automatic rollback, which only the embedded demo does; add --embedded");
  }
  const override = (Object.keys(t.images) as PieceName[]).find((name) => t.images[name]);
  if (override && !embedded) throw new ArgumentError(PIECES[override].argument, "is an image of the embedded cluster, which this deploy does not start (it names a cluster or a registry); add --embedded or drop it");
  return embedded;
}
