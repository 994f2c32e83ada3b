// Debian's real prometheus scrapes a metrics endpoint this test serves on loopback, and PromQL
// queries return what the endpoint exposes.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { randomInt } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startPrometheus, type Prometheus, type Sample } from "../support/prometheus.js";

// The first sample appears after prometheus' target-reload tick (about 6 s); later ones every second.
const POLL_LIMIT_MS = 60_000;

async function pollQuery(prom: Prometheus, promql: string, accept: (samples: Sample[]) => boolean): Promise<Sample[]> {
  const deadline = Date.now() + POLL_LIMIT_MS;
  let last: Sample[] = [];
  while (Date.now() < deadline) {
    last = await prom.query(promql);
    if (accept(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${promql} never gave the expected samples; last: ${JSON.stringify(last)}`);
}

describe("prometheus (real, Debian's package)", () => {
  let requests = randomInt(1_000, 1_000_000);
  const scrapedPaths: string[] = [];
  let server: Server;
  let prom: Prometheus;

  beforeAll(async () => {
    server = createServer((req, res) => {
      scrapedPaths.push(req.url ?? "");
      res.writeHead(200, { "Content-Type": "text/plain; version=0.0.4" });
      res.end(
        [
          "# HELP gantry_test_requests_total Requests served by the test endpoint.",
          "# TYPE gantry_test_requests_total counter",
          `gantry_test_requests_total{route="/hello",code="200"} ${requests}`,
          "",
        ].join("\n"),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    prom = await startPrometheus({ targets: [`127.0.0.1:${port}`] });
  });

  afterAll(async () => {
    await prom?.stop();
    await new Promise((resolve) => server?.close(resolve));
  });

  it("scrapes the endpoint and a query returns its value", async () => {
    const samples = await pollQuery(prom, 'gantry_test_requests_total{job="gantry-test"}', (s) => s.length > 0);
    expect(samples).toHaveLength(1);
    expect(samples[0]!.metric).toMatchObject({ __name__: "gantry_test_requests_total", route: "/hello", code: "200", job: "gantry-test" });
    expect(Number(samples[0]!.value[1])).toBe(requests);
    expect(scrapedPaths).toContain("/metrics");
  });

  it("follows the endpoint: a new value shows up in later scrapes", async () => {
    requests += randomInt(1, 1_000);
    const samples = await pollQuery(prom, "gantry_test_requests_total", (s) => s.length === 1 && Number(s[0]!.value[1]) === requests);
    expect(Number(samples[0]!.value[1])).toBe(requests);
  });

  it("reports the target up", async () => {
    const samples = await pollQuery(prom, 'up{job="gantry-test"}', (s) => s.length > 0);
    expect(samples.map((s) => s.value[1])).toEqual(["1"]);
  });

  it("rejects bad PromQL with prometheus' own error", async () => {
    await expect(prom.query("sum(")).rejects.toThrow(/parse error/);
  });
});
