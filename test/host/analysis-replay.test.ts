// `analyze` replayed on the REAL Prometheus over recorded traffic: two real hello-api canaries (one
// answering 50% HTTP 500) are scraped while traffic runs, then the traffic stops; replaying the past
// window says "would roll back" for the bad one and "would promote" for the good one, and a window
// with no traffic at all is not mistaken for a good canary.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { parseMoment, replayAnalysis, replayText } from "../../core/kube/analysis/replay.js";
import { normaliseEnvironment } from "../support/environment.js";
import { metricsFor } from "../../core/kube/ports.js";
import { driveTraffic, hostHelloApi, startHelloApi, type HelloApi } from "../support/hello-api.js";
import { startPrometheus, type Prometheus } from "../support/prometheus.js";

const instances: Record<string, HelloApi> = {};
let prometheus: Prometheus;
let recorded: { from: number; to: number };
let beforeTraffic: number;

beforeAll(async () => {
  const binary = await hostHelloApi();
  instances["good-api"] = await startHelloApi(binary);
  instances["bad-api"] = await startHelloApi(binary, { ERROR_RATE: "0.5" });
  prometheus = await startPrometheus({
    targets: [],
    targetGroups: Object.entries(instances).map(([service, api]) => ({ targets: [api.address], labels: { namespace: "shop", service, track: "canary" } })),
  });
  const deadline = Date.now() + 60_000;
  while ((await prometheus.query("up == 1")).length < 2) {
    if (Date.now() > deadline) throw new Error("Prometheus did not scrape both hello-api within 60s");
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  beforeTraffic = Date.now();
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const from = Date.now();
  await driveTraffic(Object.values(instances), new Promise((resolve) => setTimeout(resolve, 15_000)), { concurrency: 2 });
  recorded = { from, to: Date.now() };
  // The replay reads the past: the services keep running but get no more traffic.
  await new Promise((resolve) => setTimeout(resolve, 2000));
}, 180_000);

afterAll(async () => {
  await prometheus?.stop();
  await Promise.all(Object.values(instances).map((i) => i.stop()));
});

const env = () =>
  normaliseEnvironment(
    "staging",
    {
      namespace: "shop",
      analysis: { prometheus: prometheus.url, window: "5s", interval: "4s", count: 2 },
      strategy: { type: "canary", steps: [{ setWeight: 50 }, { analysis: {} }, { setWeight: 100 }] },
    },
    { file: "pipelines/hello.yaml" },
  );

function replay(service: string, window: { from: number; to: number } | { at: number }) {
  const e = env();
  const metrics = metricsFor(e.analysis!.prometheus, {
    kubectl: { run: async () => ({ status: 1, stdout: "", stderr: "no cluster" }) },
    http: { get: async (u) => fetch(u).then(async (r) => ({ status: r.status, body: await r.text() })) },
  });
  return replayAnalysis(e, service, window, (promql, at) => metrics.query(promql, at));
}

describe("analyze: replaying a past window on the real Prometheus", () => {
  it("the recorded bad canary (50% HTTP 500): would roll back", async () => {
    const r = await replay("bad-api", recorded);
    expect(r.decision, replayText(r)).toBe("would roll back");
    expect(r.reason).toMatch(/analysis failed: error rate \d+\.\d+% is over the limit 0\.01/);
    const errorRate = r.measurements[0]!.checks.find((c) => c.name === "error rate")!;
    expect(errorRate.value).toBeGreaterThan(0.3);
    expect(replayText(r)).toMatch(/decision: would roll back/);
  });

  it("the recorded good canary: would promote, after count measurements", async () => {
    const r = await replay("good-api", recorded);
    expect(r.decision, replayText(r)).toBe("would promote");
    expect(r.measurements.map((m) => m.outcome)).toEqual(["pass", "pass"]);
    expect(replayText(r)).toMatch(/decision: would promote: analysis passed \(2 measurement\(s\), 0 failed\)/);
  });

  it("one moment with --at gives that measurement; a moment before any traffic is not a pass", async () => {
    const during = await replay("bad-api", { at: recorded.to - 1000 });
    expect(during.decision).toBe("would roll back");
    const before = await replay("good-api", { at: beforeTraffic });
    expect(before.measurements[0]!.outcome).not.toBe("pass");
    expect(before.decision).not.toBe("would promote");
  });

  it("reads moments as RFC 3339 or Unix seconds", () => {
    expect(parseMoment("2026-12-07T10:00:00Z", "at")).toBe(Date.UTC(2026, 11, 7, 10));
    expect(parseMoment("1796637600", "at")).toBe(1796637600_000);
    expect(() => parseMoment("yesterday", "from")).toThrow(/--from: "yesterday" is not a moment/);
  });
});
