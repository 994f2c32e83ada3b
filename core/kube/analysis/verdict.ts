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
  /**
   * A check that is not ok but decides nothing: too few requests to judge (inconclusive), or
   * Prometheus could not answer (error). Without it, a check that is not ok is a failure.
   */
  kind?: "inconclusive" | "error";
}

/** What one measurement says about the canary. */
export type MeasurementOutcome = "pass" | "fail" | "inconclusive" | "error";

/** A failure decides; else a provider error, else an inconclusive check; else it passed. */
export function measurementOutcome(checks: Check[]): MeasurementOutcome {
  if (checks.some((c) => !c.ok && c.kind === undefined)) return "fail";
  if (checks.some((c) => !c.ok && c.kind === "error")) return "error";
  if (checks.some((c) => !c.ok && c.kind === "inconclusive")) return "inconclusive";
  return "pass";
}

/**
 * The track's requests in the window against minRequests: fewer make the measurement inconclusive,
 * and with it every metric check that failed (one 500 among three requests is 33%, and proves
 * nothing). No data is a failure, as for every query.
 */
export function requestsCheck(result: QueryResult, minRequests: number): Check {
  const expected = `>= ${minRequests} requests`;
  if (!result.ok) return { name: "requests", ok: false, expected, detail: result.problem, ...(result.providerError ? { kind: "error" as const } : {}) };
  const served = Math.min(...result.values);
  if (served >= minRequests) return { name: "requests", ok: true, value: served, expected, detail: `${Math.round(served)} requests` };
  return {
    name: "requests",
    ok: false,
    value: served,
    expected,
    detail: `${Math.round(served)} requests in the window, too few to decide`,
    kind: "inconclusive",
  };
}

/** The metric checks of a measurement whose window had too few requests: their failures decide nothing. */
export function undecided(checks: Check[]): Check[] {
  return checks.map((c) => (!c.ok && c.kind === undefined ? { ...c, kind: "inconclusive" as const, detail: `${c.detail} (too few requests to decide)` } : c));
}

/**
 * A metric passes only with at least one sample and every sample a finite number at or under the
 * limit. Missing data, a sample that is not a finite non-negative decimal, NaN (e.g. 0/0 with no traffic), ±Inf, a Prometheus error or an unreachable
 * Prometheus all FAIL: a canary must prove it is healthy, silence is not proof (the opposite of
 * Argo Rollouts issue #4479).
 */
export function thresholdCheck(name: string, result: QueryResult, max: number, unit: "ratio" | "seconds"): Check {
  const expected = unit === "seconds" ? `<= ${formatDurationMs(max * 1000)}` : `<= ${max}`;
  if (!result.ok) return { name, ok: false, expected, detail: result.problem, ...(result.providerError ? { kind: "error" as const } : {}) };
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
