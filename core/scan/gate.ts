import { ArgumentError, FileError } from "../errors.js";
import type { AllowListEntry } from "./allow-list.js";
import {
  countSeverities,
  DEFAULT_GATED_SEVERITIES,
  SEVERITIES,
  severitiesAtLeast,
  severityRank,
  type Severity,
  type SeverityCounts,
  zeroCounts,
} from "./severity.js";
import { findingsOf, type Finding, type TrivyReport } from "./trivy-report.js";

/** What makes the vulnerability gate fail. Read from the parsed JSON, never from Trivy's exit code. */
export interface GatePolicy {
  /** Severities that fail the gate; default HIGH,CRITICAL. Give this or `threshold`, not both. */
  severities?: readonly Severity[];
  /** Fail on this severity and everything above it. */
  threshold?: Severity;
  /** Let findings without a fix pass (Trivy's --ignore-unfixed: anything whose status is not "fixed"). */
  ignoreUnfixed?: boolean;
  /** Accepted vulnerabilities; an entry past its `until` day is an error. */
  allowList?: readonly AllowListEntry[];
  /** Per gated severity, how many findings are tolerated; the gate fails only when the count exceeds it. */
  maxCounts?: Partial<Record<Severity, number>>;
  /** The clock for allow-list expiry. */
  now: Date;
}

export interface GateFailure {
  finding: Finding;
  reason: string;
}

export interface GateAllowance {
  finding: Finding;
  reason: string;
  /** The allow-list entry that let it pass, if that was the reason. */
  entry?: AllowListEntry;
}

export interface GateVerdict {
  /** "not-scanned" only when the scan could not run and the caller chose to fail open. */
  status: "passed" | "failed" | "not-scanned";
  passed: boolean;
  /** Findings that fail the gate, most severe first. */
  failing: GateFailure[];
  /** Findings at gated severities that pass anyway: allow-listed, unfixed (with ignoreUnfixed),
   * not affected, or within `maxCounts`. */
  allowed: GateAllowance[];
  /** Every finding in the report, per severity. */
  counts: SeverityCounts;
  failingCounts: SeverityCounts;
  /** Findings below the gated severities (not failing, not listed individually). */
  belowThreshold: number;
  gatedSeverities: Severity[];
  ignoreUnfixed: boolean;
  /** Allow-list entries that matched nothing: candidates for removal. */
  unusedAllowList: AllowListEntry[];
  notScannedReason?: string;
  /** One line for logs and check titles. */
  summary: string;
}

/** True when Trivy says a fix exists: Status "fixed", or (older output without Status) a FixedVersion. */
export function hasFix(finding: Finding): boolean {
  if (finding.status !== undefined && finding.status !== "unknown") return finding.status === "fixed";
  return finding.fixedVersion !== undefined && finding.fixedVersion !== "";
}

/** The severities the policy gates, lowest first. */
export function gatedSeverities(policy: Pick<GatePolicy, "severities" | "threshold">): Severity[] {
  if (policy.severities !== undefined && policy.threshold !== undefined) {
    throw new ArgumentError("threshold", "give either a severity list or a threshold, not both");
  }
  if (policy.threshold !== undefined) return severitiesAtLeast(policy.threshold);
  const chosen = new Set(policy.severities ?? DEFAULT_GATED_SEVERITIES);
  if (chosen.size === 0) throw new ArgumentError("severities", "at least one severity must be gated");
  return SEVERITIES.filter((s) => chosen.has(s));
}

/** Evaluates the gate over every finding of the report. Throws on an expired allow-list entry. */
export function evaluateGate(report: TrivyReport, policy: GatePolicy): GateVerdict {
  const gated = gatedSeverities(policy);
  checkMaxCounts(policy.maxCounts, gated);
  const allowList = policy.allowList ?? [];
  rejectExpired(allowList, policy.now);

  const findings = findingsOf(report);
  const entriesById = groupById(allowList);
  const used = new Set<AllowListEntry>();
  const candidates: Finding[] = [];
  const allowed: GateAllowance[] = [];
  let belowThreshold = 0;
  for (const finding of findings) {
    if (!gated.includes(finding.severity)) {
      belowThreshold++;
      continue;
    }
    const entry = entriesById.get(finding.id.toUpperCase())?.find((e) => e.package === undefined || e.package === finding.pkgName);
    if (entry) {
      used.add(entry);
      allowed.push({ finding, entry, reason: allowReason(entry) });
    } else if (finding.status === "not_affected") {
      allowed.push({ finding, reason: "status not_affected" });
    } else if (policy.ignoreUnfixed && !hasFix(finding)) {
      allowed.push({ finding, reason: `no fix available (status ${finding.status ?? "unknown"}) and unfixed findings are ignored` });
    } else {
      candidates.push(finding);
    }
  }

  const failing: GateFailure[] = [];
  const candidateCounts = countSeverities(candidates);
  for (const finding of candidates) {
    const max = policy.maxCounts?.[finding.severity];
    const count = candidateCounts[finding.severity];
    if (max !== undefined && count <= max) {
      allowed.push({ finding, reason: `${count} ${finding.severity} finding(s), within the maximum of ${max}` });
    } else {
      failing.push({ finding, reason: failReason(finding, count, max) });
    }
  }

  const passed = failing.length === 0;
  const verdict: Omit<GateVerdict, "summary"> = {
    status: passed ? "passed" : "failed",
    passed,
    failing: sortByFinding(failing, (f) => f.finding),
    allowed: sortByFinding(allowed, (a) => a.finding),
    counts: countSeverities(findings),
    failingCounts: countSeverities(failing.map((f) => f.finding)),
    belowThreshold,
    gatedSeverities: gated,
    ignoreUnfixed: policy.ignoreUnfixed ?? false,
    unusedAllowList: allowList.filter((e) => !used.has(e)),
  };
  return { ...verdict, summary: summarize(verdict) };
}

/**
 * The verdict when Trivy could not scan and the caller chose to fail open: it passes, says
 * "not scanned" with the reason everywhere it is shown, and counts nothing.
 */
export function notScannedVerdict(reason: string, policy: Pick<GatePolicy, "severities" | "threshold" | "ignoreUnfixed">): GateVerdict {
  return {
    status: "not-scanned",
    passed: true,
    failing: [],
    allowed: [],
    counts: zeroCounts(),
    failingCounts: zeroCounts(),
    belowThreshold: 0,
    gatedSeverities: gatedSeverities(policy),
    ignoreUnfixed: policy.ignoreUnfixed ?? false,
    unusedAllowList: [],
    notScannedReason: reason,
    summary: `not scanned (failing open): ${reason}`,
  };
}

/**
 * The findings most severe first, then by ID, package and target, so every report lists them the
 * same way; equal ones keep their order. A new array.
 */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return sortByFinding(findings, (f) => f);
}

/**
 * The items in sortFindings' order of their findings, as a new array. Grouping by severity before
 * sorting spares most of the comparisons, which matters when every report sorts 10,000 findings.
 */
function sortByFinding<T>(items: readonly T[], findingOf: (item: T) => Finding): T[] {
  const bySeverity: T[][] = SEVERITIES.map(() => []);
  for (const item of items) bySeverity[severityRank(findingOf(item).severity)]!.push(item);
  const mostSevereFirst = bySeverity.reverse().map((group) => group.sort((a, b) => compareWithinSeverity(findingOf(a), findingOf(b))));
  return ([] as T[]).concat(...mostSevereFirst);
}

function compareWithinSeverity(a: Finding, b: Finding): number {
  return order(a.id, b.id) || order(a.pkgName, b.pkgName) || order(a.target, b.target);
}

/** Code-unit order: the same on every machine and far cheaper than localeCompare on 10,000 findings. */
function order(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Entries by upper-cased ID (IDs match case-insensitively), in file order. */
function groupById(allowList: readonly AllowListEntry[]): Map<string, AllowListEntry[]> {
  const byId = new Map<string, AllowListEntry[]>();
  for (const entry of allowList) {
    const id = entry.id.toUpperCase();
    byId.set(id, [...(byId.get(id) ?? []), entry]);
  }
  return byId;
}

function allowReason(entry: AllowListEntry): string {
  const until = entry.until ? ` until ${entry.until}` : "";
  return `allow-listed${until}${entry.reason ? `: ${entry.reason}` : ""}`;
}

function failReason(finding: Finding, count: number, max: number | undefined): string {
  const fix = hasFix(finding) ? `fixed in ${finding.fixedVersion ?? "a newer version"}` : "no fix available yet";
  if (max === undefined) return `${finding.severity} is gated (${fix})`;
  return `${count} ${finding.severity} findings exceed the maximum of ${max} (${fix})`;
}

function checkMaxCounts(maxCounts: GatePolicy["maxCounts"], gated: Severity[]): void {
  for (const [severity, max] of Object.entries(maxCounts ?? {})) {
    if (max === undefined) continue;
    if (!gated.includes(severity as Severity)) {
      throw new ArgumentError("maxCounts", `${severity} is not a gated severity (${gated.join(",")}); a maximum for it would never apply`);
    }
    if (!Number.isInteger(max) || max < 0) {
      throw new ArgumentError("maxCounts", `${severity}: expected a whole number ≥ 0, got ${max}`);
    }
  }
}

/** An entry is valid through the whole `until` day (UTC); from the next day on it is an error. */
function rejectExpired(allowList: readonly AllowListEntry[], now: Date): void {
  if (Number.isNaN(now.getTime())) throw new ArgumentError("now", "not a valid time; expected an ISO 8601 time such as 2026-06-15T12:00:00Z");
  const today = now.toISOString().slice(0, 10);
  for (const entry of allowList) {
    if (entry.until === undefined || entry.until >= today) continue;
    const problem = `allow-list entry ${entry.id}${entry.package ? ` (${entry.package})` : ""} expired on ${entry.until} (today is ${today}); fix the vulnerability, or review the acceptance and extend "until"`;
    if (entry.source) throw new FileError(entry.source.file, problem, entry.source.line, "until");
    throw new ArgumentError("allowList", problem);
  }
}

function summarize(v: Omit<GateVerdict, "summary">): string {
  const policy = `${v.gatedSeverities.join(",")}${v.ignoreUnfixed ? ", unfixed ignored" : ""}`;
  const allowed = v.allowed.length > 0 ? `; ${v.allowed.length} allowed` : "";
  if (v.passed) return `passed: no finding fails the gate (${policy})${allowed}`;
  const bySeverity = SEVERITIES.filter((s) => v.failingCounts[s] > 0)
    .reverse()
    .map((s) => `${v.failingCounts[s]} ${s}`)
    .join(", ");
  return `failed: ${v.failing.length} finding(s) fail the gate (${policy}): ${bySeverity}${allowed}`;
}
