/**
 * Default PromQL for hello-api-style services (examples/hello-api/internal/server/metrics.go):
 * `http_requests_total{code,path}` and the histogram `http_request_duration_seconds{path,le}`.
 * Only `path="/"` is counted: probes hit /healthz and /readyz and would dilute the error rate.
 *
 * The series must carry `namespace`, `service` and `track` labels. The service does not know them;
 * Prometheus adds them when it scrapes, from the pod's namespace and its labels
 * `app.kubernetes.io/name` and `gantry.dev/track` (see PROMETHEUS_RELABEL_CONFIGS). Decided this
 * way so the same binary runs as stable and canary: the track is where a pod runs, not what it is.
 */
export const DEFAULT_ERROR_RATE_QUERY =
  // `or on() vector(0)`: with no 5xx at all the numerator has no series, and an empty result would
  // (rightly) count as missing data. No traffic still gives an empty or NaN result: a failure.
  '(sum(rate(http_requests_total{namespace="{{namespace}}",service="{{service}}",track="{{track}}",path="/",code=~"5.."}[{{window}}])) or on() vector(0))' +
  ' / sum(rate(http_requests_total{namespace="{{namespace}}",service="{{service}}",track="{{track}}",path="/"}[{{window}}]))';

/** A latency quantile (0..1) of a track from hello-api's histogram; the analysis measures 0.99, the dashboard shows others beside it. */
export function latencyQuantileQuery(quantile: number): string {
  return `histogram_quantile(${quantile}, sum by (le) (rate(http_request_duration_seconds_bucket{namespace="{{namespace}}",service="{{service}}",track="{{track}}",path="/"}[{{window}}])))`;
}

export const DEFAULT_P99_QUERY = latencyQuantileQuery(0.99);

/**
 * Requests the track served in the window: fewer than minRequests make a measurement inconclusive.
 * No series at all (nothing scraped) is no data, a failure like the others.
 */
export const DEFAULT_REQUESTS_QUERY =
  'sum(increase(http_requests_total{namespace="{{namespace}}",service="{{service}}",track="{{track}}",path="/"}[{{window}}]))';

/**
 * The relabelling a Kubernetes-SD scrape job needs for the default queries (Prometheus
 * `relabel_configs`, role: pod). Exported so documentation and tests show the exact rules.
 */
export const PROMETHEUS_RELABEL_CONFIGS = [
  { source_labels: ["__meta_kubernetes_namespace"], target_label: "namespace" },
  { source_labels: ["__meta_kubernetes_pod_label_app_kubernetes_io_name"], target_label: "service" },
  { source_labels: ["__meta_kubernetes_pod_label_gantry_dev_track"], target_label: "track" },
] as const;

import type { AnalysisConfig } from "../config/types.js";

export interface QueryContext {
  service: string;
  namespace: string;
  track: string;
  window: string;
}

const PLACEHOLDER = /\{\{\s*(service|namespace|track|window)\s*\}\}/g;

/**
 * The query with its placeholders filled. Values are escaped for a PromQL double-quoted string
 * (they are Kubernetes names, but a template may put them anywhere).
 */
export function renderQuery(template: string, context: QueryContext): string {
  return template.replace(PLACEHOLDER, (_, name: keyof QueryContext) => context[name].replace(/\\/g, "\\\\").replace(/"/g, '\\"'));
}

/** Placeholders a template uses that renderQuery does not know, e.g. {{pod}}: a config error. */
export function unknownPlaceholders(template: string): string[] {
  return [...template.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)].map((m) => m[1]!).filter((n) => !["service", "namespace", "track", "window"].includes(n));
}

/** The PromQL one measurement of a track runs, filled in. */
export interface TrackQueries {
  errorRate: string;
  p99Latency: string;
  requests: string;
}

/**
 * The queries the analysis sends for a track: the one source the rollout's measurements, the
 * dashboard's panels and the alert rules all take their PromQL from, so what a person sees and
 * what pages them is what decided the rollout.
 */
export function trackQueries(analysis: Pick<AnalysisConfig, "queries" | "window">, context: Omit<QueryContext, "window">): TrackQueries {
  const full = { ...context, window: analysis.window };
  return {
    errorRate: renderQuery(analysis.queries.errorRate, full),
    p99Latency: renderQuery(analysis.queries.p99Latency, full),
    requests: renderQuery(analysis.queries.requests, full),
  };
}
