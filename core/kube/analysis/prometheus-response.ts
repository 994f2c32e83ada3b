import { isRecord } from "../json.js";

/** One number Prometheus answered, or why there is no usable number. */
export type QueryResult = { ok: true; values: number[] } | { ok: false; problem: string };

/**
 * Reads a Prometheus `/api/v1/query` response (https://prometheus.io/docs/prometheus/latest/querying/api/).
 * Anything that is not a success with at least one sample is a problem, never a value: an error
 * status, a non-JSON body, an empty vector (no data), an unknown result type. NaN and ±Inf samples
 * are returned as they are; the verdict refuses them.
 */
export function parseQueryResponse(text: string): QueryResult {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { ok: false, problem: `Prometheus answered something that is not JSON: ${text.slice(0, 120)}` };
  }
  if (!isRecord(body)) return { ok: false, problem: "Prometheus answered JSON that is not an object" };
  if (body["status"] !== "success") {
    return { ok: false, problem: `Prometheus error${body["errorType"] ? ` (${String(body["errorType"])})` : ""}: ${String(body["error"] ?? "status is not success")}` };
  }
  const data = isRecord(body["data"]) ? body["data"] : {};
  const type = data["resultType"];
  const result = data["result"];
  if (type === "scalar") return Array.isArray(result) ? { ok: true, values: [sampleValue(result)] } : { ok: false, problem: "scalar result without a value" };
  if (type === "vector") {
    if (!Array.isArray(result) || result.length === 0) return { ok: false, problem: "no data (the query returned an empty vector)" };
    return { ok: true, values: result.map((series) => sampleValue(isRecord(series) ? series["value"] : undefined)) };
  }
  return { ok: false, problem: `unexpected result type ${JSON.stringify(type)} (an instant query of one value was expected)` };
}

/** A sample is `[timestamp, "value"]`; Prometheus writes "NaN", "+Inf", "-Inf" as strings too. */
function sampleValue(sample: unknown): number {
  if (!Array.isArray(sample) || typeof sample[1] !== "string") return Number.NaN;
  const v = sample[1];
  return v === "+Inf" ? Infinity : v === "-Inf" ? -Infinity : Number(v);
}
