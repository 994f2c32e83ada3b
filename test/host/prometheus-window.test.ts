// The analysis window is refused at load exactly when the real Prometheus (Debian's package) would
// refuse it in the default queries' range selectors: no window loads that makes every query fail.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DEFAULT_ERROR_RATE_QUERY, DEFAULT_P99_QUERY, renderQuery } from "../../core/kube/analysis/queries.js";
import { promDurationProblem } from "../../core/kube/analysis/prom-duration.js";
import { startPrometheus, type Prometheus } from "../support/prometheus.js";

const WINDOWS = [
  "1m",
  "30s",
  "90s",
  "1h30m",
  "2w",
  "1y",
  "500ms",
  "1d12h",
  "0",
  "0s",
  "0m0s",
  "1.5m",
  "1m1h",
  "-1m",
  "1M",
  "1 m",
  "",
  "10",
  "1mm",
  "292y",
  "300y",
  "99999999999999d",
];

let prometheus: Prometheus;
beforeAll(async () => {
  prometheus = await startPrometheus({ targets: [] });
});
afterAll(async () => {
  await prometheus?.stop();
});

/** Prometheus' own verdict: does /api/v1/query accept the query? */
async function prometheusAccepts(promql: string): Promise<{ ok: boolean; error: string }> {
  const response = await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const body = (await response.json()) as { status: string; error?: string };
  return { ok: body.status === "success", error: body.error ?? "" };
}

describe("the analysis window against the real Prometheus", () => {
  for (const window of WINDOWS) {
    it(`${JSON.stringify(window)}: the loader and Prometheus agree`, async () => {
      const context = { service: "hello-api", namespace: "shop", track: "canary", window };
      const answers = await Promise.all([DEFAULT_ERROR_RATE_QUERY, DEFAULT_P99_QUERY].map((q) => prometheusAccepts(renderQuery(q, context))));
      const loaderAccepts = promDurationProblem(window) === undefined;
      for (const answer of answers) expect(answer.ok, `Prometheus: ${answer.error}; loader: ${promDurationProblem(window) ?? "accepted"}`).toBe(loaderAccepts);
    });
  }
});
