import { ArgumentError } from "../errors.js";

/** Trivy's severities, lowest first: UNKNOWN < LOW < MEDIUM < HIGH < CRITICAL. */
export const SEVERITIES = ["UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** The gate's default: fail on HIGH and CRITICAL findings. */
export const DEFAULT_GATED_SEVERITIES: readonly Severity[] = ["HIGH", "CRITICAL"];

export type SeverityCounts = Record<Severity, number>;

export function isSeverity(value: string): value is Severity {
  return (SEVERITIES as readonly string[]).includes(value);
}

const RANKS: Record<Severity, number> = { UNKNOWN: 0, LOW: 1, MEDIUM: 2, HIGH: 3, CRITICAL: 4 };

/** 0 for UNKNOWN up to 4 for CRITICAL. */
export function severityRank(severity: Severity): number {
  return RANKS[severity];
}

/** Every severity at or above the threshold, lowest first. */
export function severitiesAtLeast(threshold: Severity): Severity[] {
  return SEVERITIES.filter((s) => severityRank(s) >= severityRank(threshold));
}

/** Parses one severity name case-insensitively; `argument` names the option in the error. */
export function parseSeverity(value: string, argument: string): Severity {
  const name = value.trim().toUpperCase();
  if (!isSeverity(name)) {
    throw new ArgumentError(argument, `unknown severity "${value.trim()}"; expected one of ${SEVERITIES.join(", ")}`);
  }
  return name;
}

/**
 * Parses a user's severity list such as "HIGH,critical" or ["high", "CRITICAL"] into distinct
 * severities, lowest first. An empty list or an unknown name is an ArgumentError naming `argument`.
 */
export function parseSeverityList(value: string | readonly string[], argument: string): Severity[] {
  const names = (typeof value === "string" ? [value] : value)
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter((v) => v !== "");
  if (names.length === 0) {
    throw new ArgumentError(argument, `no severity given; expected a comma-separated list of ${SEVERITIES.join(", ")}`);
  }
  const chosen = new Set(names.map((n) => parseSeverity(n, argument)));
  return SEVERITIES.filter((s) => chosen.has(s));
}

export function zeroCounts(): SeverityCounts {
  return { UNKNOWN: 0, LOW: 0, MEDIUM: 0, HIGH: 0, CRITICAL: 0 };
}

export function countSeverities(items: Iterable<{ severity: Severity }>): SeverityCounts {
  const counts = zeroCounts();
  for (const item of items) counts[item.severity]++;
  return counts;
}

export function totalCount(counts: SeverityCounts): number {
  return SEVERITIES.reduce((sum, s) => sum + counts[s], 0);
}
