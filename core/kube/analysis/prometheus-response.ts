import { isRecord } from "../json.js";

/** The numbers Prometheus answered (each a measurement), or why there is no usable number. */
export type QueryResult = { ok: true; values: number[] } | { ok: false; problem: string; providerError?: true };

/**
 * What a measurement looks like: a finite, non-negative decimal (an exponent allowed, as other
 * Prometheus-compatible servers write one). Error ratios, latencies and request rates cannot be
 * negative; "", "  ", "0x0", "NaN", "+Inf" are not numbers Prometheus measured.
 */
const DECIMAL = /^(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

/**
 * Reads a Prometheus `/api/v1/query` response (answers that are no Prometheus answer at all, or
 * its error answers, are marked providerError: they count toward consecutiveErrorLimit instead) (https://prometheus.io/docs/prometheus/latest/querying/api/).
 * Anything that is not a success with at least one sample is a problem, never a value: an error
 * status, a non-JSON body, an empty vector (no data), an unknown result type, and any sample that
 * is not a finite, non-negative decimal (NaN from 0/0 with no traffic, ±Inf, a negative value from a
 * broken `1 - x` query, an empty or hexadecimal string). `Number("")` is 0: never read a sample
 * with Number alone.
 */
export function parseQueryResponse(text: string): QueryResult {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { ok: false, problem: `Prometheus answered something that is not JSON: ${text.slice(0, 120)}`, providerError: true };
  }
  if (!isRecord(body)) return { ok: false, problem: "Prometheus answered JSON that is not an object", providerError: true };
  if (body["status"] !== "success") {
    return {
      ok: false,
      problem: `Prometheus error${body["errorType"] ? ` (${String(body["errorType"])})` : ""}: ${String(body["error"] ?? "status is not success")}`,
      providerError: true,
    };
  }
  const data = isRecord(body["data"]) ? body["data"] : {};
  const type = data["resultType"];
  const result = data["result"];
  let samples: unknown[];
  if (type === "scalar") samples = [result];
  else if (type === "vector") {
    if (!Array.isArray(result) || result.length === 0) return { ok: false, problem: "no data (the query returned an empty vector)" };
    samples = result.map((series) => (isRecord(series) ? series["value"] : undefined));
  } else return { ok: false, problem: `unexpected result type ${JSON.stringify(type)} (an instant query of one value was expected)` };
  const values: number[] = [];
  for (const sample of samples) {
    const value = sampleValue(sample);
    if (typeof value === "string") return { ok: false, problem: value };
    values.push(value);
  }
  return { ok: true, values };
}

/** A sample is `[timestamp, "value"]`: its number, or why it is not a measurement. */
function sampleValue(sample: unknown): number | string {
  if (!Array.isArray(sample) || sample.length !== 2 || typeof sample[1] !== "string")
    return `a sample is not [timestamp, "value"]: ${JSON.stringify(sample)?.slice(0, 80)}`;
  const text = sample[1];
  const value = DECIMAL.test(text) ? Number(text) : Number.NaN;
  if (Number.isFinite(value)) return value;
  const why =
    text === "NaN" ? " (no traffic, or a broken query)" : /^[+-]?Inf$/.test(text) ? " (infinite)" : text.startsWith("-") ? " (negative: a broken query)" : "";
  const shown = /^[+-]?(NaN|Inf)$/.test(text) ? text : JSON.stringify(text.slice(0, 40));
  return `${shown} is not a measurement${why}; a finite, non-negative decimal was expected`;
}
