import { markdownCode, markdownLink, markdownText, table } from "../report/markdown.js";
import type { GateVerdict } from "./gate.js";
import { scannedDescription, severityRows } from "./summary.js";
import type { Finding, TrivyReport } from "./trivy-report.js";

export interface MarkdownOptions {
  /** Rows of the failing and allowed tables; the rest is counted in a note. Default 50. */
  maxRows?: number;
  /** Heading text. Default "Vulnerability scan". */
  title?: string;
  /** What the scanned image is called (--image-name), instead of Trivy's name for it. */
  imageName?: string;
}

/**
 * A Markdown summary for a GitHub job summary or a GitLab MR note: the verdict, a table of counts
 * per severity, the failing findings and the allowed ones (each capped at maxRows, with a note of
 * how many were left out).
 */
export function toMarkdown(report: TrivyReport | undefined, verdict: GateVerdict, options: MarkdownOptions = {}): string {
  const maxRows = options.maxRows ?? 50;
  const icon = verdict.status === "passed" ? "✅" : verdict.status === "failed" ? "❌" : "⚠️";
  // Everything from the report or the allow-list is untrusted text: escaped, and linked only to http(s).
  const out = [`## ${markdownText(options.title ?? "Vulnerability scan")}`, "", `${icon} **Gate ${verdict.status}**: ${markdownText(verdict.summary)}`, ""];
  if (report) out.push(`Scanned ${markdownText(scannedDescription(report, options.imageName))}.`, "");
  if (verdict.status === "not-scanned") return out.join("\n");

  out.push(
    table(
      ["Severity", "Findings", "Failing", "Allowed"],
      severityRows(verdict).map((r) => [r.severity, r.findings, r.failing, r.allowed]),
    ),
    "",
  );

  if (verdict.failing.length > 0) {
    out.push("### Failing findings", "");
    const rows = verdict.failing.slice(0, maxRows).map(({ finding, reason }) => [...findingCells(finding), markdownText(reason)]);
    out.push(table(["Severity", "ID", "Package", "Installed", "Fixed in", "Target", "Why it fails"], rows), "");
    out.push(...cutNote(verdict.failing.length, maxRows, "failing"));
  }
  if (verdict.allowed.length > 0) {
    out.push("### Allowed findings", "");
    const rows = verdict.allowed.slice(0, maxRows).map(({ finding, reason }) => [...findingCells(finding), markdownText(reason)]);
    out.push(table(["Severity", "ID", "Package", "Installed", "Fixed in", "Target", "Why it passes"], rows), "");
    out.push(...cutNote(verdict.allowed.length, maxRows, "allowed"));
  }
  if (verdict.unusedAllowList.length > 0) {
    out.push(`Allow-list entries that matched nothing (remove them?): ${verdict.unusedAllowList.map((e) => markdownCode(e.id)).join(", ")}`, "");
  }
  return out.join("\n");
}

function findingCells(f: Finding): string[] {
  return [f.severity, markdownLink(f.id, f.primaryUrl), ...[f.pkgName, f.installedVersion ?? "", f.fixedVersion ?? "—", f.target].map(markdownText)];
}

function cutNote(total: number, shown: number, what: string): string[] {
  return total > shown ? [`… and ${total - shown} more ${what} finding(s) not shown; the SARIF and JSON reports list them all.`, ""] : [];
}
