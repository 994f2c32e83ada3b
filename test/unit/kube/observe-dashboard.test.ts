// The dashboard of pipelines/canary-example.yaml's production: Grafana's schema accepts it, and its
// panels ask Prometheus exactly what the rollout's measurements ask.
import { readFileSync } from "node:fs";

import { defaultDashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import { describe, expect, it } from "vitest";

import { measureMetrics } from "../../../core/kube/analysis/measure.js";
import { dashboardPanels, dashboardUid, grafanaDashboard } from "../../../core/kube/observe/dashboard.js";
import { releaseAnnotationTags, serviceView } from "../../../core/kube/observe/service-view.js";
import { environmentOf } from "../../../core/pipeline/deploy-request.js";
import { loadPipeline } from "../../../core/pipeline/load.js";
import { environment } from "./fixtures.js";
import { grafanaSchema, grafanaValidator } from "./grafana-schema.js";

const FILE = "pipelines/canary-example.yaml";
const pipeline = loadPipeline(readFileSync(new URL(`../../../${FILE}`, import.meta.url), "utf8"), FILE);
const production = environmentOf(pipeline, "production");
const view = serviceView(pipeline.name!, production);
const dashboard = grafanaDashboard(view);
// Through JSON, as Grafana receives it.
const json = JSON.parse(JSON.stringify(dashboard)) as { panels: Panel[]; annotations: { list: { target: { tags: string[] } }[] }; schemaVersion: number };

interface Panel {
  id: number;
  type: string;
  title: string;
  targets?: { expr: string; refId: string }[];
  fieldConfig?: { defaults: { thresholds?: { steps: { value: number | null; color: string }[] }; custom?: { thresholdsStyle?: { mode: string } } } };
  options?: { tags?: string[] };
}

/** The PromQL the rollout sends for one measurement of a track, captured from measureMetrics itself. */
async function analysisQueries(track: string): Promise<string[]> {
  const sent: string[] = [];
  await measureMetrics(production.analysis!, { service: "hello-api", namespace: "hello-production", track }, async (promql) => {
    sent.push(promql);
    return JSON.stringify({ status: "success", data: { resultType: "vector", result: [{ metric: {}, value: [0, "100"] }] } });
  });
  return sent;
}

const exprs = (title: RegExp) => json.panels.filter((p) => title.test(p.title)).flatMap((p) => (p.targets ?? []).map((t) => t.expr));

describe("the dashboard of canary-example.yaml's production", () => {
  it("is valid against Grafana's dashboard schema, whole and panel by panel", () => {
    expect(grafanaValidator()(json)).toEqual([]);
    const panel = grafanaValidator("Panel");
    for (const p of json.panels) expect(panel(p), p.title).toEqual([]);
  });

  it("is at the schema version of the SDK's Grafana, with a stable uid Grafana accepts", () => {
    expect(json.schemaVersion).toBe(defaultDashboard().schemaVersion);
    expect(json.schemaVersion).toBeGreaterThanOrEqual(41);
    expect(dashboardUid(view)).toBe("gantry-hello-api-production");
    expect(dashboardUid({ service: "s".repeat(60), environment: "production" })).toHaveLength(40);
  });

  it("asks, for stable and canary side by side, exactly the queries the analysis sends", async () => {
    for (const track of ["stable", "canary"]) {
      const [errorRate, p99, requests] = await analysisQueries(track);
      expect(exprs(new RegExp(`^Error ratio: ${track}$`))).toEqual([errorRate]);
      expect(exprs(new RegExp(`^Latency: ${track}$`)).at(-1)).toBe(p99);
      expect(exprs(new RegExp(`^Requests per 1m: ${track}$`))).toEqual([requests]);
    }
    const stable = json.panels.find((p) => p.title === "Error ratio: stable")!;
    const canary = json.panels.find((p) => p.title === "Error ratio: canary")!;
    expect(JSON.parse(JSON.stringify(stable)).gridPos).toMatchObject({ x: 0, w: 12 });
    expect(JSON.parse(JSON.stringify(canary)).gridPos).toMatchObject({ x: 12, w: 12, y: JSON.parse(JSON.stringify(stable)).gridPos.y });
  });

  it("shows p50 and p90 from the same histogram query, and the canary's share from the analysis's request counts", async () => {
    const [, p99, requests] = await analysisQueries("canary");
    const [p50, p90] = exprs(/^Latency: canary$/);
    expect(p50).toBe(p99!.replace("histogram_quantile(0.99,", "histogram_quantile(0.5,"));
    expect(p90).toBe(p99!.replace("histogram_quantile(0.99,", "histogram_quantile(0.9,"));
    const [, , stableRequests] = await analysisQueries("stable");
    expect(exprs(/^Traffic to canary$/)).toEqual([`(${requests}) / ((${requests}) + ((${stableRequests}) or on() vector(0)))`]);
  });

  it("draws the environment's thresholds as dashed lines", () => {
    const steps = (title: string) => json.panels.find((p) => p.title === title)!.fieldConfig!.defaults;
    expect(steps("Error ratio: canary").thresholds!.steps).toEqual([
      { value: null, color: "green" },
      { value: 0.01, color: "red" },
    ]);
    expect(steps("Latency: canary").thresholds!.steps).toEqual([
      { value: null, color: "green" },
      { value: 1, color: "red" },
    ]);
    expect(steps("Requests per 1m: canary").thresholds!.steps).toEqual([
      { value: null, color: "red" },
      { value: 10, color: "green" },
    ]);
    expect(steps("Latency: canary").custom!.thresholdsStyle).toEqual({ mode: "dashed" });
  });

  it("marks releases: an annotation query and a panel listing the annotations Gantry tags", () => {
    const tags = releaseAnnotationTags(view);
    expect(tags).toEqual(["gantry", "service:hello-api", "environment:production"]);
    expect(json.annotations.list.map((a) => a.target.tags)).toEqual([tags]);
    const releases = json.panels.find((p) => p.type === "annolist")!;
    expect(releases.options!.tags).toEqual(tags);
    expect(new Set(json.panels.map((p) => p.id)).size).toBe(json.panels.length);
  });

  it("follows the environment: other thresholds, a custom p99 query alone, blue-green colours", () => {
    const custom = environment({
      strategy: { type: "blueGreen" },
      analysis: {
        prometheus: "http://prom:9090",
        maxErrorRate: 0.05,
        maxP99: "250ms",
        queries: { p99Latency: 'max(my_p99{ns="{{namespace}}",t="{{track}}"})' },
      },
    });
    const rows = dashboardPanels(serviceView("api", custom));
    expect(rows[0]!.map((p) => p.title)).toEqual(["Requests per 1m: blue", "Requests per 1m: green"]);
    expect(rows[1]![0]!.threshold).toEqual({ value: 0.05, bad: "above" });
    expect(rows[2]![1]!.queries).toEqual([{ legend: "p99", expr: 'max(my_p99{ns="shop",t="green"})' }]);
    expect(rows[2]![1]!.threshold).toEqual({ value: 0.25, bad: "above" });
    expect(rows[3]![0]!.title).toBe("Traffic to green");
    expect(grafanaValidator()(JSON.parse(JSON.stringify(grafanaDashboard(serviceView("api", custom)))))).toEqual([]);
  });

  it("refuses an environment without analysis, naming it and the fix", () => {
    expect(() => serviceView("api", environment({}))).toThrow(/environment staging has no analysis section.*environments\.staging/);
  });
});

describe("the vendored Grafana schema", () => {
  it("still refuses what Grafana refuses: a panel without type, a width over 24, an unknown dashboard field", () => {
    const check = grafanaValidator();
    const base = JSON.parse(JSON.stringify(dashboard));
    expect(check({ ...base, panels: [{ title: "x" }] }).join()).toMatch(/required property 'type'/);
    expect(check({ ...base, panels: [{ ...base.panels[0], gridPos: { x: 0, y: 0, w: 25, h: 8 } }] }).join()).toMatch(/must be <= 24/);
    expect(check({ ...base, colour: "red" }).join()).toMatch(/additional properties/);
    expect(Object.keys(grafanaSchema().definitions)).toContain("Dashboard");
  });
});
