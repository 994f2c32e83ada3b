import type { Probe } from "../config/types.js";
import { configMapName } from "./config-map.js";
import { contentHash } from "./hash.js";
import { commonLabels, deploymentName, REVISION_ANNOTATION, TRACK_LABEL, trackSelector, type Track } from "./names.js";
import { meta, type KubeObject, type Workload } from "./objects.js";

/**
 * The pod spec, passing Pod Security "restricted": non-root with the image's uid, no privilege
 * escalation, every capability dropped, RuntimeDefault seccomp, a read-only root filesystem (with
 * an emptyDir at /tmp, the one place a Go service may write), no service-account token.
 */
export function podSpec(w: Workload): Record<string, unknown> {
  const e = w.env;
  const config = configMapName(w);
  const envFrom = [
    ...(config ? [{ configMapRef: { name: config } }] : []),
    ...e.secrets.filter((s) => !("key" in s)).map((s) => ({ secretRef: { name: s.name } })),
  ];
  const env = [
    ...Object.entries(e.env).map(([name, value]) => ({ name, value })),
    ...e.secrets.flatMap((s) => ("key" in s ? [{ name: s.env, valueFrom: { secretKeyRef: { name: s.name, key: s.key } } }] : [])),
  ];
  const probe = (p: Probe | undefined) =>
    p && {
      httpGet: { path: p.path, port: "http" },
      periodSeconds: p.periodSeconds,
      failureThreshold: p.failureThreshold,
      ...(p.initialDelaySeconds ? { initialDelaySeconds: p.initialDelaySeconds } : {}),
    };
  const container: Record<string, unknown> = {
    name: w.service,
    image: w.image,
    ports: [{ name: "http", containerPort: e.port, protocol: "TCP" }],
    ...(env.length ? { env } : {}),
    ...(envFrom.length ? { envFrom } : {}),
    resources: { requests: { ...e.resources.requests }, limits: { ...e.resources.limits } },
    ...(e.probes.startup ? { startupProbe: probe(e.probes.startup) } : {}),
    ...(e.probes.liveness ? { livenessProbe: probe(e.probes.liveness) } : {}),
    ...(e.probes.readiness ? { readinessProbe: probe(e.probes.readiness) } : {}),
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: e.runAsUser,
      runAsGroup: e.runAsUser,
    },
    volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
  };
  return {
    automountServiceAccountToken: false,
    securityContext: { runAsNonRoot: true, runAsUser: e.runAsUser, runAsGroup: e.runAsUser, fsGroup: e.runAsUser, seccompProfile: { type: "RuntimeDefault" } },
    containers: [container],
    volumes: [{ name: "tmp", emptyDir: {} }],
  };
}

/**
 * What a Deployment runs, as a short hash of the pod spec (image digest, config name, env, probes,
 * resources). Equal revisions mean "already deployed": no apply, no new ReplicaSet.
 */
export function revisionOf(w: Workload): string {
  return contentHash({ labels: w.env.podLabels, spec: podSpec(w) }, 16);
}

export interface DeploymentOptions {
  track: Track;
  /** Omitted (left to the HPA or to `kubectl scale`) when undefined. */
  replicas?: number;
}

export function renderDeployment(w: Workload, options: DeploymentOptions): KubeObject {
  const { track } = options;
  const labels = { ...commonLabels(w.service, w.version), [TRACK_LABEL]: track };
  const strategy =
    w.env.strategy.kind === "rolling"
      ? { maxSurge: w.env.strategy.maxSurge, maxUnavailable: w.env.strategy.maxUnavailable }
      : { maxSurge: "25%", maxUnavailable: 0 };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: meta(w, deploymentName(w.service, track), labels),
    spec: {
      ...(options.replicas === undefined ? {} : { replicas: options.replicas }),
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: Math.max(1, Math.ceil(w.env.progressDeadlineMs / 1000)),
      selector: { matchLabels: trackSelector(w.service, track) },
      strategy: { type: "RollingUpdate", rollingUpdate: strategy },
      template: {
        // No version label on pods: the template must change only when the pod spec does.
        metadata: { labels: { ...w.env.podLabels, ...commonLabels(w.service), [TRACK_LABEL]: track }, annotations: { [REVISION_ANNOTATION]: revisionOf(w) } },
        spec: podSpec(w),
      },
    },
  };
}
