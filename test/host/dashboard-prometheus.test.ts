// Every query of the dashboard of pipelines/canary-example.yaml's production, asked of the REAL
// Prometheus while real hello-api processes (a stable and a canary, labelled as the scrape
// relabelling labels them) serve traffic: each answers with data, and the values are what the
// traffic was (the canary fails some requests, and gets half of them).
import { readFileSync } from "node:fs";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { grafanaDashboard } from "../../core/kube/observe/dashboard.js";
import { alertRules } from "../../core/kube/observe/alert-rules.js";
import { serviceView } from "../../core/kube/observe/service-view.js";
import { environmentOf } from "../../core/pipeline/deploy-request.js";
import { loadPipeline } from "../../core/pipeline/load.js";
import { driveTraffic, hostHelloApi, startHelloApi, type HelloApi } from "../support/hello-api.js";
import { startPrometheus, type Prometheus } from "../support/prometheus.js";

const FILE = "pipelines/canary-example.yaml";
const pipeline = loadPipeline(readFileSync(new URL(`../../${FILE}`, import.meta.url), "utf8"), FILE);
const env = environmentOf(pipeline, "production");
const view = serviceView(pipeline.name!, env);
const panels = JSON.parse(JSON.stringify(grafanaDashboard(view))).panels as { title: string; targets?: { expr: string; legendFormat: string }[] }[];
const queries = panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, legend: t.legendFormat, expr: t.expr })));

const instances: Record<string, HelloApi> = {};
let prometheus: Prometheus;

beforeAll(async () => {
  const binary = await hostHelloApi();
  instances.stable = await startHelloApi(binary);
  instances.canary = await startHelloApi(binary, { ERROR_RATE: "0.2" });
  prometheus = await startPrometheus({
    targets: [],
    targetGroups: Object.entries(instances).map(([track, api]) => ({
      targets: [api.address],
      labels: { namespace: env.namespace, service: view.service, track },
    })),
  });
  // Scraped every second: a dozen samples in the 1m windows of the environment's analysis.
  await driveTraffic(Object.values(instances), new Promise((resolve) => setTimeout(resolve, 12_000)), { concurrency: 2 });
}, 120_000);

afterAll(async () => {
  await prometheus?.stop();
  await Promise.all(Object.values(instances).map((i) => i.stop()));
});

async function value(expr: string): Promise<number> {
  const samples = await prometheus.query(expr);
  expect(samples, expr).toHaveLength(1);
  return Number(samples[0]!.value[1]);
}

describe("the dashboard's queries on the real Prometheus under hello-api traffic", () => {
  it("has a query per track for requests, errors and three latency quantiles, and the canary's share", () => {
    expect(queries).toHaveLength(2 * (1 + 1 + 3) + 1);
  });

  it("each answers with one finite sample", async () => {
    for (const q of queries) {
      const v = await value(q.expr);
      expect(Number.isFinite(v), `${q.panel} / ${q.legend}: ${v}`).toBe(true);
    }
  });

  it("says what the traffic was: errors on the canary only, about half the requests to it, latencies ordered", async () => {
    const expr = (panel: string, legend?: string) => queries.find((q) => q.panel === panel && (legend === undefined || q.legend === legend))!.expr;
    expect(await value(expr("Error ratio: stable"))).toBe(0);
    const canaryErrors = await value(expr("Error ratio: canary"));
    expect(canaryErrors).toBeGreaterThan(0.05);
    expect(canaryErrors).toBeLessThan(0.4);
    const share = await value(expr("Traffic to canary"));
    expect(share).toBeGreaterThan(0.3);
    expect(share).toBeLessThan(0.7);
    expect(await value(expr("Requests per 1m: stable"))).toBeGreaterThanOrEqual(env.analysis!.minRequests);
    const [p50, p90, p99] = [
      await value(expr("Latency: canary", "p50")),
      await value(expr("Latency: canary", "p90")),
      await value(expr("Latency: canary", "p99")),
    ];
    expect(p50).toBeLessThanOrEqual(p90);
    expect(p90).toBeLessThanOrEqual(p99);
  });

  it("the alert rules' recorded queries answer too: they are the same queries", async () => {
    const recorded = alertRules(view).groups[0]!.rules.filter((r) => "record" in r);
    expect(recorded.map((r) => r.expr).every((e) => queries.some((q) => q.expr === e))).toBe(true);
    for (const r of recorded) expect(Number.isFinite(await value(r.expr)), r.expr).toBe(true);
  });
});
