// hello-api's latency histogram read by the REAL Prometheus with the default p99 query: its buckets
// must resolve the 1 s threshold the pipelines use. With the client libraries' default buckets a
// canary at 0.6 s and one at 0.99 s both read 995 ms. The requests here really sleep, and a loaded
// machine adds tens of milliseconds, so the near-threshold canary sleeps 920 ms: it must read in
// (0.9, 1] whatever the scheduling delay up to 80 ms (the exact 0.99 s case is the Go unit test
// TestBucketsResolveTheLatencyThreshold, on recorded observations).
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { parseQueryResponse } from "../../core/kube/analysis/prometheus-response.js";
import { DEFAULT_P99_QUERY, renderQuery } from "../../core/kube/analysis/queries.js";
import { thresholdCheck } from "../../core/kube/analysis/verdict.js";
import { driveTraffic, hostHelloApi, startHelloApi, type HelloApi } from "../support/hello-api.js";
import { startPrometheus, type Prometheus } from "../support/prometheus.js";

const LATENCIES = { "fast-api": "600ms", "nearly-api": "920ms", "over-api": "1010ms" } as const;
const instances: Record<string, HelloApi> = {};
let prometheus: Prometheus;

beforeAll(async () => {
  const binary = await hostHelloApi();
  for (const [service, latency] of Object.entries(LATENCIES)) instances[service] = await startHelloApi(binary, { LATENCY: latency });
  prometheus = await startPrometheus({
    targets: [],
    targetGroups: Object.entries(instances).map(([service, api]) => ({ targets: [api.address], labels: { namespace: "shop", service, track: "canary" } })),
  });
  // Ten seconds of traffic, scraped every second: enough for a 10s rate() window.
  await driveTraffic(Object.values(instances), new Promise((resolve) => setTimeout(resolve, 12_000)), { concurrency: 4 });
}, 120_000);

afterAll(async () => {
  await prometheus?.stop();
  await Promise.all(Object.values(instances).map((i) => i.stop()));
});

async function p99(service: string): Promise<number> {
  const body = await fetch(
    `${prometheus.url}/api/v1/query?query=${encodeURIComponent(renderQuery(DEFAULT_P99_QUERY, { service, namespace: "shop", track: "canary", window: "10s" }))}`,
  ).then((r) => r.text());
  const result = parseQueryResponse(body);
  if (!result.ok) throw new Error(`${service}: ${result.problem}`);
  return result.values[0]!;
}

describe("hello-api's latency buckets on the real Prometheus", () => {
  it("tell 0.6 s from 0.92 s, and put each on the right side of the 1 s threshold", async () => {
    const [fast, nearly, over] = [await p99("fast-api"), await p99("nearly-api"), await p99("over-api")];
    expect(fast).toBeGreaterThan(0.6);
    expect(fast).toBeLessThanOrEqual(0.7);
    expect(nearly).toBeGreaterThan(0.9);
    expect(nearly).toBeLessThanOrEqual(1);
    expect(over).toBeGreaterThan(1);
    const verdict = (v: number) => thresholdCheck("p99 latency", { ok: true, values: [v] }, 1, "seconds").ok;
    expect([verdict(fast), verdict(nearly), verdict(over)]).toEqual([true, true, false]);
  });
});
