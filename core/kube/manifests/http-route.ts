import { commonLabels } from "./names.js";
import { meta, type KubeObject, type Workload } from "./objects.js";
import { SERVICE_PORT } from "./service.js";

/** Where the HTTPRoute attaches and which hosts it serves (the gatewayApi router's settings). */
interface RouteTarget {
  gateway: { name: string; namespace?: string; sectionName?: string };
  hostnames: string[];
}

/** A Gateway API HTTPRoute splitting traffic: stable gets 100 - weight, canary gets weight. */
export function renderHttpRoute(w: Workload, router: RouteTarget, name: string, backends: { stable: string; canary: string }, weight: number): KubeObject {
  const parent = { name: router.gateway.name, ...(router.gateway.namespace ? { namespace: router.gateway.namespace } : {}), ...(router.gateway.sectionName ? { sectionName: router.gateway.sectionName } : {}) };
  return {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata: meta(w, name, commonLabels(w.service, w.version)),
    spec: {
      parentRefs: [parent],
      ...(router.hostnames.length ? { hostnames: router.hostnames } : {}),
      rules: [
        {
          matches: [{ path: { type: "PathPrefix", value: w.env.ingress?.path ?? "/" } }],
          backendRefs: [
            { name: backends.stable, port: SERVICE_PORT, weight: 100 - weight },
            { name: backends.canary, port: SERVICE_PORT, weight },
          ],
        },
      ],
    },
  };
}
