import { contentHash } from "./hash.js";
import { commonLabels, objectNames } from "./names.js";
import { meta, type KubeObject, type Workload } from "./objects.js";

/**
 * The ConfigMap's name carries a hash of its data (as kustomize's configMapGenerator does): new
 * content is a new object and a new pod template, so a rollback's old pods find their old config.
 * Old ConfigMaps are left in place for that reason. Undefined when there is no config.
 */
export function configMapName(w: Workload): string | undefined {
  if (Object.keys(w.env.config).length === 0) return undefined;
  return objectNames(w.service).configPrefix + contentHash(w.env.config);
}

export function renderConfigMap(w: Workload): KubeObject | undefined {
  const name = configMapName(w);
  if (!name) return undefined;
  const data = Object.fromEntries(Object.entries(w.env.config).sort(([a], [b]) => (a < b ? -1 : 1)));
  // immutable: the name already says the content never changes, and kubelets stop watching it.
  return { apiVersion: "v1", kind: "ConfigMap", metadata: meta(w, name, commonLabels(w.service, w.version)), immutable: true, data };
}
