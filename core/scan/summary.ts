import type { GateVerdict } from "./gate.js";
import { countSeverities, SEVERITIES, type Severity, type SeverityCounts, totalCount } from "./severity.js";
import { findingsOf, type TrivyReport } from "./trivy-report.js";

export interface SeverityRow {
  severity: Severity | "Total";
  findings: number;
  failing: number;
  allowed: number;
}

/** Counts per severity, most severe first, with a Total row: the table every report shows. */
export function severityRows(verdict: GateVerdict): SeverityRow[] {
  const allowed = countSeverities(verdict.allowed.map((a) => a.finding));
  const rows: SeverityRow[] = [...SEVERITIES].reverse().map((severity) => ({
    severity,
    findings: verdict.counts[severity],
    failing: verdict.failingCounts[severity],
    allowed: allowed[severity],
  }));
  rows.push({ severity: "Total", findings: totalCount(verdict.counts), failing: verdict.failing.length, allowed: verdict.allowed.length });
  return rows;
}

/**
 * "what was scanned", e.g. "ghcr.io/acme/api:1.2 (alpine 3.22.1) with Trivy 0.74.0": the image's
 * name when one is given (Trivy's own name for a tarball is the path inside its container).
 */
export function scannedDescription(report: TrivyReport, imageName?: string): string {
  const os = report.os ? ` (${[report.os.family, report.os.name].filter(Boolean).join(" ")}${report.os.eosl ? ", end of life" : ""})` : "";
  const version = report.trivyVersion ? ` with Trivy ${report.trivyVersion}` : "";
  return `${imageName || report.artifactName || "unnamed target"}${os}${version}`;
}

/** Plain-text summary for logs: what was scanned (named `imageName` when given), an aligned severity table and the verdict. */
export function summaryText(report: TrivyReport | undefined, verdict: GateVerdict, imageName?: string): string {
  const lines = [report ? `Scanned ${scannedDescription(report, imageName)}` : "Not scanned"];
  if (verdict.status !== "not-scanned") {
    const header = ["Severity", "Findings", "Failing", "Allowed"];
    const rows = severityRows(verdict).map((r) => [r.severity, String(r.findings), String(r.failing), String(r.allowed)]);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const format = (cells: string[]) =>
      cells
        .map((c, i) => c.padEnd(widths[i]!))
        .join("  ")
        .trimEnd();
    lines.push(format(header), ...rows.map(format));
  }
  lines.push(`Gate: ${verdict.summary}`);
  return lines.join("\n") + "\n";
}

/** Findings per severity in the whole report, without any gate. */
export function countReport(report: TrivyReport): SeverityCounts {
  return countSeverities(findingsOf(report));
}
