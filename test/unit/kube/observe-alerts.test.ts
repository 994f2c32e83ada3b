// The alert rules and Prometheus Operator objects of an environment, as data: the recorded series
// are the analysis queries, the thresholds and durations are the environment's.
import { readFileSync } from "node:fs";

import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";

import { measureMetrics } from "../../../core/kube/analysis/measure.js";
import { PROMETHEUS_RELABEL_CONFIGS } from "../../../core/kube/analysis/queries.js";
import {
  alertFiles,
  alertRules,
  kubeStateMetricsAnnotationLabel,
  RECORDED,
  type AlertingRule,
  type RecordingRule,
} from "../../../core/kube/observe/alert-rules.js";
import { MANUAL_GATE_MS, rolloutLimitMs, serviceView } from "../../../core/kube/observe/service-view.js";
import { environmentOf } from "../../../core/pipeline/deploy-request.js";
import { loadPipeline } from "../../../core/pipeline/load.js";
import { environment } from "./fixtures.js";

const FILE = "pipelines/canary-example.yaml";
const pipeline = loadPipeline(readFileSync(new URL(`../../../${FILE}`, import.meta.url), "utf8"), FILE);
const production = environmentOf(pipeline, "production");
const view = serviceView(pipeline.name!, production);
const rules = alertRules(view).groups[0]!.rules;
const recorded = rules.filter((r): r is RecordingRule => "record" in r);
const alert = (name: string, from = rules) => from.find((r): r is AlertingRule => "alert" in r && r.alert === name)!;

async function sentByAnalysis(track: string): Promise<string[]> {
  const sent: string[] = [];
  await measureMetrics(production.analysis!, { service: "hello-api", namespace: "hello-production", track }, async (promql) => {
    sent.push(promql);
    return JSON.stringify({ status: "success", data: { resultType: "vector", result: [{ metric: {}, value: [0, "100"] }] } });
  });
  return sent;
}

describe("the alert rules of canary-example.yaml's production", () => {
  it("record, per track, exactly the queries the analysis sends", async () => {
    for (const track of ["stable", "canary"]) {
      const mine = recorded.filter((r) => r.labels.track === track);
      expect(mine.map((r) => r.expr)).toEqual(await sentByAnalysis(track));
      expect(mine.map((r) => r.record)).toEqual([RECORDED.errorRatio, RECORDED.p99Seconds, RECORDED.requests]);
      for (const r of mine) expect(r.labels).toEqual({ namespace: "hello-production", service: "hello-api", track });
    }
  });

  it("page on the stable track over the environment's limits, with enough requests, for an analysis step's time", () => {
    const errors = alert("GantryErrorRatioHigh");
    expect(errors.expr).toBe(
      'gantry:error_ratio{namespace="hello-production",service="hello-api",track=~"stable"} > 0.01 and gantry:requests_in_window{namespace="hello-production",service="hello-api",track=~"stable"} >= 10',
    );
    expect(errors.for).toBe("90s"); // 3 measurements 30 s apart
    expect(alert("GantryLatencyP99High").expr).toMatch(/^gantry:latency_p99_seconds\{[^}]*track=~"stable"\} > 1 and /);
  });

  it("watch the rollout state kube-state-metrics exports from the main Service", () => {
    expect(kubeStateMetricsAnnotationLabel("gantry.dev/rollout-phase")).toBe("annotation_gantry_dev_rollout_phase");
    expect(alert("GantryRolloutAborted").expr).toContain('annotation_gantry_dev_rollout_phase="aborted"');
    // 3 new sets of pods and the promote at the 5 min progress deadline, 2 analysis steps of up to 10 measurements of 30 s.
    expect(alert("GantryRolloutStuck").for).toBe("1800s");
  });

  it("hand over a rule file and the operator's objects, each parsing as what it claims", () => {
    const files = alertFiles(view);
    expect(Object.keys(files).sort()).toEqual(["prometheusrule.yaml", "rules.yaml", "servicemonitor.yaml"]);
    expect(parse(files["rules.yaml"]!)).toEqual(alertRules(view));
    const [rule] = parseAllDocuments(files["prometheusrule.yaml"]!).map((d) => d.toJS());
    expect(rule).toMatchObject({
      apiVersion: "monitoring.coreos.com/v1",
      kind: "PrometheusRule",
      metadata: { name: "hello-api-gantry", namespace: "hello-production" },
      spec: alertRules(view),
    });
    const monitor = parse(files["servicemonitor.yaml"]!);
    expect(monitor.spec.selector.matchLabels).toEqual({ "app.kubernetes.io/name": "hello-api", "app.kubernetes.io/managed-by": "gantry" });
    expect(monitor.spec.endpoints[0].relabelings).toEqual([
      ...PROMETHEUS_RELABEL_CONFIGS.map((r) => ({ sourceLabels: r.source_labels, targetLabel: r.target_label })),
      { targetLabel: "job", replacement: "hello-api" },
    ]);
  });
});

describe("alert rules follow the environment", () => {
  it("takes other limits, no request floor with minRequests 0, and pages for both blue-green colours", () => {
    const env = environment({
      strategy: { type: "blueGreen" },
      analysis: { prometheus: "http://prom:9090", maxErrorRate: 0.05, maxP99: "250ms", minRequests: 0, interval: "10s", count: 6 },
    });
    const custom = alertRules(serviceView("api", env)).groups[0]!.rules;
    expect(alert("GantryErrorRatioHigh", custom).expr).toBe('gantry:error_ratio{namespace="shop",service="api",track=~"blue|green"} > 0.05');
    expect(alert("GantryLatencyP99High", custom).expr).toBe('gantry:latency_p99_seconds{namespace="shop",service="api",track=~"blue|green"} > 0.25');
    expect(alert("GantryErrorRatioHigh", custom).for).toBe("60s");
  });

  it("counts a manual pause as an hour and a timed one as its duration in the stuck limit", () => {
    const base = { progressDeadline: "1m", analysis: { prometheus: "http://prom:9090" } };
    const manual = environment({ ...base, strategy: { type: "canary", steps: [{ setWeight: 10 }, { pause: {} }] } });
    const timed = environment({ ...base, strategy: { type: "canary", steps: [{ setWeight: 10 }, { pause: { duration: "2m" } }] } });
    expect(rolloutLimitMs(manual)).toBe(60_000 + MANUAL_GATE_MS + 60_000);
    expect(rolloutLimitMs(timed)).toBe(60_000 + 120_000 + 60_000);
    expect(rolloutLimitMs(environment({ ...base, strategy: { type: "rolling" } }))).toBe(60_000);
  });
});
