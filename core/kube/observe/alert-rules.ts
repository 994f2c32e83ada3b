// Prometheus recording and alerting rules for a service in an environment, from the same queries
// and thresholds its rollouts are judged by, and the Prometheus Operator objects that load them.
import { stringify } from "yaml";

import { PROMETHEUS_RELABEL_CONFIGS } from "../analysis/queries.js";
import { commonLabels, NAME_LABEL } from "../manifests/names.js";
import type { KubeObject } from "../manifests/objects.js";
import { toYaml } from "../manifests/yaml.js";
import { STATE_PREFIX } from "../rollout/state.js";
import { queriesOf, type ServiceView } from "./service-view.js";

export interface RecordingRule {
  record: string;
  expr: string;
  labels: Record<string, string>;
}

export interface AlertingRule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** A Prometheus rule file (`rule_files:`), and the `spec` of a PrometheusRule. */
export interface RuleFile {
  groups: { name: string; interval?: string; rules: (RecordingRule | AlertingRule)[] }[];
}

/** Names of the recorded series, one per analysis query; labelled namespace, service and track. */
export const RECORDED = {
  errorRatio: "gantry:error_ratio",
  p99Seconds: "gantry:latency_p99_seconds",
  requests: "gantry:requests_in_window",
} as const;

/** The rollout phase annotation of the service's main Service, as kube-state-metrics labels it. */
export const PHASE_ANNOTATION = `${STATE_PREFIX}phase`;
export const PHASE_LABEL = kubeStateMetricsAnnotationLabel(PHASE_ANNOTATION);

/**
 * The recording rules (each track's analysis queries, recorded) and the alerts: the error ratio and
 * the p99 of the tracks that serve users over the environment's limits for as long as an analysis
 * step watches, with at least minRequests in the window (one 500 among three requests pages no
 * one); a rollout aborted; a rollout still running after the longest it can take (its driving job
 * died, or a manual gate was forgotten). The rollout alerts read the state Gantry keeps in the
 * main Service's annotations through kube-state-metrics, which must export it:
 * `--metric-annotations-allowlist=services=[gantry.dev/rollout-phase]`.
 */
export function alertRules(view: ServiceView): RuleFile {
  const { service, namespace, analysis } = view;
  const recording: RecordingRule[] = view.tracks.flatMap((track) => {
    const q = queriesOf(view, track);
    const labels = { namespace, service, track };
    return [
      { record: RECORDED.errorRatio, expr: q.errorRate, labels },
      { record: RECORDED.p99Seconds, expr: q.p99Latency, labels },
      { record: RECORDED.requests, expr: q.requests, labels },
    ];
  });
  // The canary is judged by the rollout itself; these page for what serves users outside one.
  const serving = view.tracks.filter((t) => t !== "canary");
  const selector = `{namespace="${namespace}",service="${service}",track=~"${serving.join("|")}"}`;
  const enough = analysis.minRequests > 0 ? ` and ${RECORDED.requests}${selector} >= ${analysis.minRequests}` : "";
  const watch = promDuration(analysis.run.count * analysis.run.intervalMs);
  const where = `${service} in ${view.environment} (namespace ${namespace})`;
  const state = `{namespace="${namespace}",service="${service}",${PHASE_LABEL}`;
  const alerting: AlertingRule[] = [
    {
      alert: "GantryErrorRatioHigh",
      expr: `${RECORDED.errorRatio}${selector} > ${analysis.maxErrorRate}${enough}`,
      for: watch,
      labels: { severity: "critical" },
      annotations: {
        summary: `${where}: error ratio over ${analysis.maxErrorRate * 100}%`,
        description: `{{ $labels.track }} answers {{ $value | humanizePercentage }} of its requests with 5xx over ${analysis.window}, above the limit a canary of ${view.environment} is rolled back at.`,
      },
    },
    {
      alert: "GantryLatencyP99High",
      expr: `${RECORDED.p99Seconds}${selector} > ${analysis.maxP99Ms / 1000}${enough}`,
      for: watch,
      labels: { severity: "critical" },
      annotations: {
        summary: `${where}: p99 latency over ${analysis.maxP99Ms} ms`,
        description: `{{ $labels.track }} has a p99 of {{ $value | humanizeDuration }} over ${analysis.window}, above the limit a canary of ${view.environment} is rolled back at.`,
      },
    },
    {
      alert: "GantryRolloutAborted",
      expr: `max by (namespace, service) (kube_service_annotations${state}="aborted"}) > 0`,
      for: "0s",
      labels: { severity: "warning" },
      annotations: {
        summary: `${where}: the last rollout was rolled back`,
        description: "The stable version serves all traffic; the message annotation on the Service says which check failed. Fix and deploy again.",
      },
    },
    {
      alert: "GantryRolloutStuck",
      expr: `max by (namespace, service) (kube_service_annotations${state}=~"progressing|promoting|aborting"}) > 0`,
      for: promDuration(view.rolloutLimitMs),
      labels: { severity: "warning" },
      annotations: {
        summary: `${where}: a rollout has run longer than its steps can take`,
        description: `Nothing is walking it (the job that ran it died) or a manual gate waits: run promote or abort for ${view.environment}.`,
      },
    },
  ];
  return { groups: [{ name: `gantry-${service}-${view.environment}`, rules: [...recording, ...alerting] }] };
}

/** The rules as a Prometheus Operator PrometheusRule in the service's namespace. */
export function prometheusRule(view: ServiceView): KubeObject {
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PrometheusRule",
    metadata: { name: `${view.service}-gantry`, namespace: view.namespace, labels: commonLabels(view.service) },
    spec: alertRules(view),
  };
}

/**
 * A ServiceMonitor scraping the service's pods through its Services, labelled as the analysis
 * queries expect (PROMETHEUS_RELABEL_CONFIGS). A pod behind two Services (the main one and the
 * canary's) is one target: `job` and `service` are set from the pod, not the Service, so both
 * targets carry the same labels and Prometheus keeps one.
 */
export function serviceMonitor(view: ServiceView): KubeObject {
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "ServiceMonitor",
    metadata: { name: view.service, namespace: view.namespace, labels: commonLabels(view.service) },
    spec: {
      selector: { matchLabels: { [NAME_LABEL]: view.service, "app.kubernetes.io/managed-by": "gantry" } },
      namespaceSelector: { matchNames: [view.namespace] },
      endpoints: [
        {
          port: "http",
          path: "/metrics",
          relabelings: [
            ...PROMETHEUS_RELABEL_CONFIGS.map((r) => ({ sourceLabels: [...r.source_labels], targetLabel: r.target_label })),
            { targetLabel: "job", replacement: view.service },
          ],
        },
      ],
    },
  };
}

/**
 * What `alerts` hands over: the rule file for a Prometheus' `rule_files:`, and for a Prometheus
 * Operator cluster the same rules as a PrometheusRule plus the ServiceMonitor that scrapes the pods.
 */
export function alertFiles(view: ServiceView): Record<string, string> {
  return {
    "rules.yaml": stringify(alertRules(view), { lineWidth: 0 }),
    "prometheusrule.yaml": toYaml([prometheusRule(view)]),
    "servicemonitor.yaml": toYaml([serviceMonitor(view)]),
  };
}

/** kube-state-metrics' label for an allow-listed annotation: `annotation_` and the name with every other character `_`. */
export function kubeStateMetricsAnnotationLabel(annotation: string): string {
  return `annotation_${annotation.replace(/[^a-zA-Z0-9_]/g, "_")}`;
}

/** Whole seconds, the unit every Prometheus version reads. */
function promDuration(ms: number): string {
  return `${Math.ceil(ms / 1000)}s`;
}
