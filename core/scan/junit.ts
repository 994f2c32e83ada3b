import { type JUnitCase, renderJUnit } from "../report/junit.js";
import type { GateVerdict } from "./gate.js";
import type { Finding, TrivyReport } from "./trivy-report.js";

export interface ScanJUnitOptions {
  /** Scan duration in seconds, shown on the suite. */
  durationSeconds?: number;
  /** ISO time the scan started. */
  timestamp?: string;
  /** What the scanned image is called (--image-name), instead of Trivy's name for it. */
  imageName?: string;
}

/**
 * The gate as JUnit, one suite per scan:
 * - one failed test case per finding that fails the gate (name "<ID> in <package>@<version>",
 *   classname = the Trivy target), with the reason and details;
 * - one skipped case per allowed finding (allow-listed, unfixed with ignoreUnfixed, not affected or
 *   within maxCounts), its message saying why, so accepted risks stay visible;
 * - one "vulnerability gate" case carrying the overall verdict: passed, failed, or skipped when the
 *   scan did not run (fail open). A clean scan is thus one passing test, not an empty report.
 * Findings below the gated severities get no case; the suite's properties count them.
 */
export function toJUnit(report: TrivyReport | undefined, verdict: GateVerdict, options: ScanJUnitOptions = {}): string {
  const cases: JUnitCase[] = [
    ...verdict.failing.map(({ finding, reason }) => findingCase(finding, "failed", reason)),
    ...verdict.allowed.map(({ finding, reason }) => findingCase(finding, "skipped", reason)),
    gateCase(verdict),
  ];
  const properties: Record<string, string> = {
    "gated-severities": verdict.gatedSeverities.join(","),
    "ignore-unfixed": String(verdict.ignoreUnfixed),
    "below-threshold": String(verdict.belowThreshold),
  };
  if (report?.trivyVersion) properties["trivy-version"] = report.trivyVersion;
  const name = `vulnerability scan: ${report ? options.imageName || report.artifactName : "not scanned"}`;
  return renderJUnit([{ name, time: options.durationSeconds ?? 0, timestamp: options.timestamp, properties, cases }], "gantry vulnerability scan");
}

function findingCase(f: Finding, status: "failed" | "skipped", reason: string): JUnitCase {
  const details = [`${f.id} (${f.severity}) in ${f.pkgName} ${f.installedVersion ?? ""}`.trimEnd()];
  if (f.title) details.push(f.title);
  details.push(`Fixed in: ${f.fixedVersion ?? "no fix available"}`);
  if (f.status) details.push(`Status: ${f.status}`);
  details.push(`Target: ${f.target}`);
  if (f.primaryUrl) details.push(`More: ${f.primaryUrl}`);
  if (f.description) details.push(f.description);
  return {
    name: `${f.id} in ${f.pkgName}${f.installedVersion ? `@${f.installedVersion}` : ""}`,
    classname: f.target,
    time: 0,
    status,
    message: `${f.severity}: ${reason}`,
    // Joined, not concatenated: one flat string, which escaping then reads without first copying it.
    details: details.join("\n"),
  };
}

function gateCase(verdict: GateVerdict): JUnitCase {
  const status = verdict.status === "passed" ? "passed" : verdict.status === "failed" ? "failed" : "skipped";
  return { name: "vulnerability gate", classname: "gantry.scan", time: 0, status, message: verdict.summary, details: verdict.summary };
}
