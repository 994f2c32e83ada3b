import { formatDurationMs } from "../../duration.js";
import type { QueryResult } from "./prometheus-response.js";

/** One check of one measurement: a metric against its threshold, or a smoke request. */
export interface Check {
  name: string;
  ok: boolean;
  /** The measured value, when there was one. */
  value?: number;
  /** "<= 0.01", "<= 1s", "status 200". */
  expected: string;
  /** Why it failed, or what was seen. */
  detail: string;
}

/**
 * A metric passes only with at least one sample and every sample a finite number at or under the
 * limit. Missing data, a sample that is not a finite non-negative decimal, NaN (e.g. 0/0 with no traffic), ±Inf, a Prometheus error or an unreachable
 * Prometheus all FAIL: a canary must prove it is healthy, silence is not proof (the opposite of
 * Argo Rollouts issue #4479).
 */
export function thresholdCheck(name: string, result: QueryResult | { ok: false; problem: string }, max: number, unit: "ratio" | "seconds"): Check {
  const expected = unit === "seconds" ? `<= ${formatDurationMs(max * 1000)}` : `<= ${max}`;
  if (!result.ok) return { name, ok: false, expected, detail: result.problem };
  const bad = result.values.find((v) => !Number.isFinite(v) || v < 0);
  if (bad !== undefined) return { name, ok: false, value: bad, expected, detail: `${bad} is not a measurement (no traffic, or a broken query)` };
  const worst = Math.max(...result.values);
  return worst <= max
    ? { name, ok: true, value: worst, expected, detail: `${format(worst, unit)}` }
    : { name, ok: false, value: worst, expected, detail: `${format(worst, unit)} is over the limit ${expected.slice(3)}` };
}

function format(v: number, unit: "ratio" | "seconds"): string {
  return unit === "seconds" ? `${Math.round(v * 1000)}ms` : `${(v * 100).toFixed(2)}%`;
}

/** A smoke request passes with exactly the expected status. */
export function smokeCheck(name: string, expectedStatus: number, outcome: { status: number } | { error: string }): Check {
  const expected = `status ${expectedStatus}`;
  if ("error" in outcome) return { name, ok: false, expected, detail: outcome.error };
  return { name, ok: outcome.status === expectedStatus, value: outcome.status, expected, detail: `status ${outcome.status}` };
}
