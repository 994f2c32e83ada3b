// The Markdown summary of one run, for a GitHub job summary, a GitLab MR note or a terminal:
// the stages with timings and cache hits, then what each kind of stage found or did. Every
// value that comes from outside (reasons, errors, refs, step names) is HTML-escaped, since both
// GitHub and GitLab render HTML inside Markdown.
import { table } from "../report/markdown.js";
import { escapeXml } from "../report/xml.js";
import { SEVERITIES } from "../scan/severity.js";
import type { DeployOutput, PublishOutput, ScanOutput, TestOutput } from "./outputs.js";
import type { RunReport, StageRecord } from "./runner.js";

const ICONS: Record<StageRecord["status"] | RunReport["status"], string> = { passed: "✅", failed: "❌", skipped: "⏭️", "needs-approval": "⏸️" };

export function runSummaryMarkdown(report: RunReport): string {
  const html = escapeXml;
  const ref = report.ref ? ` for \`${html(report.ref)}\`` : "";
  const out = [`## ${ICONS[report.status]} Gantry pipeline ${report.status}${ref} in ${seconds(report.durationMs)}`, ""];
  out.push(
    table(
      ["Stage", "Status", "Time", "Cache", "Details"],
      report.stages.map((s) => [
        s.environment ? `${s.name} (${html(s.environment)})` : s.name,
        `${ICONS[s.status]} ${s.status}`,
        s.durationMs === undefined ? "" : seconds(s.durationMs),
        s.cacheHit === undefined ? "" : s.cacheHit ? "hit" : "miss",
        html(s.reason ?? ""),
      ]),
    ),
    "",
  );
  for (const s of report.stages) {
    const output = s.output;
    if (output?.kind === "test") out.push(...testSection(s.name, output));
    if (output?.kind === "scan") out.push(...scanSection(s.name, output));
    if (output?.kind === "publish") out.push(...publishSection(s.name, output));
    if (output?.kind === "deploy") out.push(...deploySection(s.name, output));
  }
  return `${out.join("\n").trimEnd()}\n`;
}

function testSection(name: string, t: TestOutput): string[] {
  const coverage = t.coverage === undefined ? "" : `, coverage ${t.coverage.toFixed(1)}%`;
  return [`### Tests (${name})`, "", `${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped${coverage}`, ""];
}

function scanSection(name: string, s: ScanOutput): string[] {
  const rows = [...SEVERITIES].reverse().map((severity) => [severity, s.counts[severity] ?? 0]);
  return [
    `### Scan (${name}): ${s.verdict}`,
    "",
    `${s.failing} finding${s.failing === 1 ? "" : "s"} fail the gate.`,
    "",
    table(["Severity", "Findings"], rows),
    "",
  ];
}

function publishSection(name: string, p: PublishOutput): string[] {
  return [`### Published (${name})`, "", ...p.image.refs.map((ref) => `- \`${escapeXml(ref)}\``), ""];
}

function deploySection(name: string, d: DeployOutput): string[] {
  const rows = d.steps.map((step) => [
    escapeXml(step.name),
    step.status,
    (step.measurements ?? [])
      .map((m) => `${escapeXml(m.name)} ${m.value}${m.limit === undefined ? "" : ` (limit ${m.limit})`} ${m.passed ? "ok" : "over"}`)
      .join("; "),
  ]);
  const head = `### Rollout to ${escapeXml(d.environment)} (${name})${d.rolledBack ? ": rolled back" : ""}`;
  return [head, "", `Image \`${escapeXml(d.image)}\``, "", ...(rows.length > 0 ? [table(["Step", "Status", "Measurements"], rows), ""] : [])];
}

function seconds(ms: number): string {
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
