import { annotationTags, exposition, type StepMark } from "../release-metrics.js";
import type { Http, Marker } from "../ports.js";
import { deliverAll, post } from "./deliver.js";
import type { Delivery } from "./delivery.js";

/**
 * Where each step is marked for dashboards, secrets resolved: Grafana annotations through its HTTP
 * API, or the metrics pushed to a Pushgateway. Without either, the exposition of the last step is
 * in the rollout's report for the job to upload.
 */
export type MarkTarget = { kind: "grafana"; url: string; token: string } | { kind: "pushgateway"; url: string };

/** Grafana's POST /api/annotations body: an organisation annotation found by its tags. */
export function grafanaAnnotation(mark: StepMark): { time: number; tags: string[]; text: string } {
  return {
    time: Math.round(mark.at),
    tags: annotationTags(mark.service, mark.environment, mark.verdict),
    text: `${mark.service} ${mark.environment}: ${mark.text} (weight ${mark.weight}%, ${mark.verdict}, revision ${mark.revision})`,
  };
}

/** The Pushgateway group of a service's rollout: one per service and environment, replaced at each push. */
export function pushgatewayUrl(base: string, mark: StepMark): string {
  return `${base.replace(/\/+$/, "")}/metrics/job/gantry/service/${encodeURIComponent(mark.service)}/environment/${encodeURIComponent(mark.environment)}`;
}

export function sendMark(http: Http, target: MarkTarget, mark: StepMark): Promise<Delivery> {
  if (target.kind === "grafana") {
    return post(http, "grafana", `${target.url.replace(/\/+$/, "")}/api/annotations`, grafanaAnnotation(mark), { authorization: `Bearer ${target.token}` });
  }
  return post(http, "pushgateway", pushgatewayUrl(target.url, mark), exposition(mark), { "content-type": "text/plain; version=0.0.4" });
}

/** The Marker port over HTTP for the given targets. */
export function httpMarker(http: Http, targets: MarkTarget[]): Marker {
  return { mark: (m) => deliverAll(targets.map((t) => () => sendMark(http, t, m))) };
}
