import { describe, expect, it } from "vitest";
import { prometheusRequest } from "../../../core/kube/analysis/prometheus-address.js";
import { parseQueryResponse } from "../../../core/kube/analysis/prometheus-response.js";
import { DEFAULT_ERROR_RATE_QUERY, DEFAULT_P99_QUERY, renderQuery } from "../../../core/kube/analysis/queries.js";
import { smokeCheck, thresholdCheck } from "../../../core/kube/analysis/verdict.js";

const ok = (value: string) => JSON.stringify({ status: "success", data: { resultType: "vector", result: [{ metric: {}, value: [1, value] }] } });

describe("PromQL", () => {
  const ctx = { service: "hello-api", namespace: "shop", track: "canary", window: "1m" };
  it("error rate = 5xx rate / total rate of the track, on hello-api's http_requests_total{code,path}", () => {
    const q = renderQuery(DEFAULT_ERROR_RATE_QUERY, ctx);
    expect(q).toContain('http_requests_total{namespace="shop",service="hello-api",track="canary",path="/",code=~"5.."}[1m]');
    expect(q).toContain(") / sum(rate(http_requests_total{");
    expect(q).not.toContain("{{");
  });
  it("p99 = histogram_quantile(0.99, sum by (le) (rate(..._bucket[window])))", () => {
    expect(renderQuery(DEFAULT_P99_QUERY, ctx)).toBe(
      'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{namespace="shop",service="hello-api",track="canary",path="/"}[1m])))',
    );
  });
  it("escapes values for a PromQL string", () => {
    expect(renderQuery('{a="{{track}}"}', { ...ctx, track: 'x"y' })).toBe('{a="x\\"y"}');
  });
  it("reaches Prometheus by URL or through the API server's service proxy", () => {
    expect(prometheusRequest({ url: "http://127.0.0.1:9090" }, "up")).toEqual({ url: "http://127.0.0.1:9090/api/v1/query?query=up" });
    expect(prometheusRequest({ service: { namespace: "monitoring", name: "prometheus", port: 9090 } }, "a b")).toEqual({
      argv: ["kubectl", "get", "--raw", "/api/v1/namespaces/monitoring/services/prometheus:9090/proxy/api/v1/query?query=a%20b"],
    });
  });
});

describe("verdicts fail closed", () => {
  it("passes a finite value at or under the limit", () => {
    expect(thresholdCheck("error rate", parseQueryResponse(ok("0.01")), 0.01, "ratio").ok).toBe(true);
    expect(thresholdCheck("p99", parseQueryResponse(ok("0.999")), 1, "seconds").ok).toBe(true);
  });
  it("fails a value over the limit", () => {
    expect(thresholdCheck("error rate", parseQueryResponse(ok("0.0101")), 0.01, "ratio")).toMatchObject({ ok: false, value: 0.0101 });
  });
  for (const [what, body] of [
    ["NaN", ok("NaN")],
    ["+Inf", ok("+Inf")],
    ["an empty vector", JSON.stringify({ status: "success", data: { resultType: "vector", result: [] } })],
    ["an error status", JSON.stringify({ status: "error", errorType: "timeout", error: "query timed out" })],
    ["a matrix", JSON.stringify({ status: "success", data: { resultType: "matrix", result: [] } })],
    ["HTML from a proxy", "<html>502 Bad Gateway</html>"],
  ] as const) {
    it(`fails ${what}`, () => {
      const check = thresholdCheck("error rate", parseQueryResponse(body), 0.01, "ratio");
      expect(check.ok).toBe(false);
      expect(check.detail.length).toBeGreaterThan(0);
    });
  }
  // Number("") is 0 and Number("0x0") is 0: read that way, these passed the 1% error-rate check.
  for (const sample of ["", "  ", "0x0", "0x10", "-0.5", "-0", "NaN", "nan", "+Inf", "-Inf", "Infinity", "1e999", "0.5 ", "1_000", "0b1", "1,5", "½"]) {
    it(`fails the sample ${JSON.stringify(sample)}: only a finite, non-negative decimal is a measurement`, () => {
      const result = parseQueryResponse(ok(sample));
      expect(result.ok).toBe(false);
      const check = thresholdCheck("error rate", result, 0.01, "ratio");
      expect(check.ok).toBe(false);
      expect(check.detail).toMatch(/is not a measurement/);
    });
  }
  for (const [sample, value] of [
    ["0", 0],
    ["0.004", 0.004],
    [".5", 0.5],
    ["1e-05", 0.00001],
    ["2.5E-3", 0.0025],
    ["7.", 7],
  ] as const) {
    it(`reads the decimal sample ${JSON.stringify(sample)} as ${value}`, () => {
      expect(parseQueryResponse(ok(sample))).toEqual({ ok: true, values: [value] });
    });
  }
  it("fails a series whose value is a number instead of a string, or missing", () => {
    const body = (value: unknown) => JSON.stringify({ status: "success", data: { resultType: "vector", result: [{ metric: {}, value }] } });
    expect(parseQueryResponse(body([1, 0]))).toMatchObject({ ok: false });
    expect(parseQueryResponse(body(undefined))).toMatchObject({ ok: false });
    expect(parseQueryResponse(body([1]))).toMatchObject({ ok: false });
  });
  it("fails one bad series among good ones", () => {
    const body = JSON.stringify({
      status: "success",
      data: {
        resultType: "vector",
        result: [
          { metric: {}, value: [1, "0"] },
          { metric: {}, value: [1, ""] },
        ],
      },
    });
    expect(thresholdCheck("error rate", parseQueryResponse(body), 0.01, "ratio").ok).toBe(false);
  });
  it("refuses a negative value even when handed one directly", () => {
    expect(thresholdCheck("error rate", { ok: true, values: [-0.5] }, 0.01, "ratio").ok).toBe(false);
  });
  it("fails when any of several series is over the limit", () => {
    const body = JSON.stringify({
      status: "success",
      data: {
        resultType: "vector",
        result: [
          { metric: {}, value: [1, "0"] },
          { metric: {}, value: [1, "0.5"] },
        ],
      },
    });
    expect(thresholdCheck("error rate", parseQueryResponse(body), 0.01, "ratio")).toMatchObject({ ok: false, value: 0.5 });
  });
  it("reads a scalar result", () => {
    expect(parseQueryResponse(JSON.stringify({ status: "success", data: { resultType: "scalar", result: [1, "0.5"] } }))).toEqual({ ok: true, values: [0.5] });
  });
  it("smoke checks want the exact status", () => {
    expect(smokeCheck("GET /readyz", 200, { status: 200 }).ok).toBe(true);
    expect(smokeCheck("GET /readyz", 200, { status: 503 }).ok).toBe(false);
    expect(smokeCheck("GET /readyz", 200, { error: "connection refused" })).toMatchObject({ ok: false, detail: "connection refused" });
  });
});

describe("analyze's window", () => {
  it("is --at alone, or --from with --to, and says so otherwise", async () => {
    const { replayWindow } = await import("../../../core/kube/analysis/replay.js");
    expect(replayWindow({ at: "100", from: "", to: "" })).toEqual({ at: 100_000 });
    expect(replayWindow({ at: "", from: "2026-12-07T10:00:00Z", to: "2026-12-07T10:10:00Z" })).toEqual({
      from: Date.UTC(2026, 11, 7, 10),
      to: Date.UTC(2026, 11, 7, 10, 10),
    });
    expect(() => replayWindow({ at: "100", from: "1", to: "2" })).toThrow(/^--at: give --at <moment>/);
    expect(() => replayWindow({ at: "", from: "1", to: "" })).toThrow(/--from <moment> --to <moment>/);
  });
});
