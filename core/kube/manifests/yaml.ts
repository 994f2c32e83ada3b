import { stringify } from "yaml";
import type { KubeObject } from "./objects.js";

/** Order of kinds when applying: what others reference first (config before the pods using it). */
const KIND_ORDER = [
  "Namespace",
  "ServiceAccount",
  "ConfigMap",
  "Service",
  "Deployment",
  "HorizontalPodAutoscaler",
  "PodDisruptionBudget",
  "Ingress",
  "HTTPRoute",
];

export function sortObjects(objects: KubeObject[]): KubeObject[] {
  const rank = (o: KubeObject) => {
    const i = KIND_ORDER.indexOf(o.kind);
    return i === -1 ? KIND_ORDER.length : i;
  };
  return [...objects].sort((a, b) => rank(a) - rank(b) || (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
}

/** Multi-document YAML, in the stable order sortObjects gives; what `kubectl apply -f -` reads. */
export function toYaml(objects: KubeObject[]): string {
  return sortObjects(objects)
    .map((o) => stringify(o, { lineWidth: 0 }))
    .join("---\n");
}
