import type { IngressConfig } from "../config/types.js";
import { commonLabels } from "./names.js";
import { meta, type KubeObject, type Workload } from "./objects.js";
import { SERVICE_PORT } from "./service.js";

/** An Ingress (networking.k8s.io/v1) for the environment's host, with TLS when a secret is named. */
export function renderIngress(w: Workload, ingress: IngressConfig, name: string, backend: string, annotations?: Record<string, string>): KubeObject {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: meta(w, name, commonLabels(w.service, w.version), annotations),
    spec: {
      ...(ingress.className ? { ingressClassName: ingress.className } : {}),
      ...(ingress.tlsSecret ? { tls: [{ hosts: [ingress.host], secretName: ingress.tlsSecret }] } : {}),
      rules: [
        {
          host: ingress.host,
          http: { paths: [{ path: ingress.path, pathType: "Prefix", backend: { service: { name: backend, port: { number: SERVICE_PORT } } } }] },
        },
      ],
    },
  };
}
