import { longestRun, markdownCode as code, table } from "../report/markdown.js";
import type { CoverageSummary } from "./coverage.js";
import { failedOutsideTests, isPassing, type PackageResult, type TestReport, type TestResult } from "./test-report.js";

export interface SummaryLimits {
  /** Lines of output shown per failure; the middle of anything longer is cut. */
  excerptLines: number;
  /** Characters of output shown per failure. */
  excerptChars: number;
  /**
   * Characters in the whole summary. GitHub rejects a job summary over 1 MiB; a UTF-16 character
   * is at most 3 bytes of UTF-8, so 200,000 stays well below it.
   */
  totalChars: number;
  /** Rows in the package table; failed packages come first. */
  packageRows: number;
}

export const SUMMARY_LIMITS: SummaryLimits = { excerptLines: 40, excerptChars: 4000, totalChars: 200_000, packageRows: 250 };

/** Markdown for a GitHub job summary or a GitLab merge request note: headline, packages, then failures. */
export function testSummaryMarkdown(report: TestReport, coverage?: CoverageSummary, limits: Partial<SummaryLimits> = {}): string {
  const max = { ...SUMMARY_LIMITS, ...limits };
  const head = [headline(report, coverage)];
  if (report.packages.length > 0) head.push(packageTable(report.packages, max.packageRows));
  const sections = [...head, ...failureSections(report, max, max.totalChars - head.join("\n\n").length)];
  return sections.join("\n\n") + "\n";
}

function headline(report: TestReport, coverage: CoverageSummary | undefined): string {
  const t = report.totals;
  if (t.packages === 0) return "### ❌ go test: no package reported a result";
  const counts = [t.failed > 0 ? `${t.failed} failed` : "", `${t.passed} passed`, t.skipped > 0 ? `${t.skipped} skipped` : ""];
  const builds = report.packages.filter((p) => p.buildFailed).length;
  const packages =
    t.failedPackages > 0
      ? `${t.failedPackages} of ${plural(t.packages, "package")} failed${builds > 0 ? ` (${builds} did not build)` : ""}`
      : plural(t.packages, "package");
  const parts = [counts.filter(Boolean).join(", "), packages];
  if (coverage) parts.push(`coverage ${percent(coverage.percent)}`);
  parts.push(duration(report.elapsed));
  return `### ${isPassing(report) ? "✅" : "❌"} go test: ${parts.join(" · ")}`;
}

function packageTable(packages: PackageResult[], rows: number): string {
  const ordered = [...packages.filter((p) => p.status === "fail"), ...packages.filter((p) => p.status !== "fail")];
  const shown = ordered.slice(0, rows).map((pkg) => {
    const count = (status: TestResult["status"]) => pkg.tests.filter((t) => t.status === status).length;
    const coverage = pkg.coverage === undefined ? "" : percent(pkg.coverage);
    return [code(pkg.importPath), packageResult(pkg), count("pass"), count("fail"), count("skip"), coverage, duration(pkg.elapsed)];
  });
  const rendered = table(["Package", "Result", "Passed", "Failed", "Skipped", "Coverage", "Time"], shown);
  const hidden = ordered.length - shown.length;
  return hidden > 0 ? `${rendered}\n\n_${plural(hidden, "more package")} not shown._` : rendered;
}

function packageResult(pkg: PackageResult): string {
  if (pkg.buildFailed) return "❌ build failed";
  if (pkg.status === "fail") return "❌ fail";
  return pkg.status === "skip" ? "➖ no test files" : "✅ pass";
}

/** One section per failure, in stream order, until the budget runs out; then a line saying what was left out. */
function failureSections(report: TestReport, max: SummaryLimits, budget: number): string[] {
  if (isPassing(report)) return [];
  const failures = listFailures(report);
  const shown: string[] = [];
  let used = "### Failures".length + OMISSION_ROOM;
  for (const failure of failures) {
    const rendered = block(failure.title, failure.output, max);
    if (used + rendered.length + 2 > budget) break;
    shown.push(rendered);
    used += rendered.length + 2;
  }
  const omitted = failures.length - shown.length;
  if (omitted > 0) {
    shown.push(
      `_${plural(omitted, "more failure")} not shown: this summary stops at ${max.totalChars.toLocaleString("en-US")} characters ` +
        "(GitHub's job summary limit is 1 MiB). The JUnit report has every failure._",
    );
  }
  return shown.length > 0 ? ["### Failures", ...shown] : [];
}

/** Room kept for the line that says how many failures were left out. */
const OMISSION_ROOM = 300;

function listFailures(report: TestReport): { title: string; output: string }[] {
  const failures: { title: string; output: string }[] = [];
  for (const pkg of report.packages) {
    if (failedOutsideTests(pkg)) {
      const what = pkg.buildFailed ? "did not build" : "failed outside any test";
      failures.push({ title: `#### ❌ ${code(pkg.importPath)} ${what}`, output: pkg.output });
    }
    for (const test of failuresWorthShowing(pkg.tests)) {
      failures.push({ title: `#### ❌ ${code(test.name)} in ${code(pkg.importPath)} (${duration(test.elapsed)})`, output: test.output });
    }
  }
  // Stray lines are mostly already inside a package's output; alone they explain a run that never started.
  if (failures.length === 0 && report.strayOutput.trim()) {
    failures.push({ title: "#### Output outside go test's events", output: report.strayOutput });
  }
  return failures;
}

/** Failed tests, leaving out parents that only failed because a subtest did and said nothing themselves. */
function failuresWorthShowing(tests: TestResult[]): TestResult[] {
  const failed = tests.filter((t) => t.status === "fail");
  const parentsOfFailures = new Set<string>();
  for (const test of failed) {
    const parts = test.name.split("/");
    for (let i = 1; i < parts.length; i++) parentsOfFailures.add(parts.slice(0, i).join("/"));
  }
  return failed.filter((t) => t.output.trim() !== "" || !parentsOfFailures.has(t.name));
}

function block(title: string, output: string, max: SummaryLimits): string {
  const text = outputExcerpt(output, max.excerptLines, max.excerptChars);
  if (text === "") return `${title}\n\n_No output._`;
  const fence = "`".repeat(Math.max(3, longestRun(text, "`") + 1));
  return `${title}\n\n${fence}text\n${text}\n${fence}`;
}

/** The start and end of the output (where a panic message and the assertion usually are), saying how much was cut. */
export function outputExcerpt(output: string, maxLines: number, maxChars: number): string {
  let lines = output
    .replace(/^(?:[ \t]*\r?\n)+/, "")
    .trimEnd()
    .split("\n");
  if (lines.length > maxLines) {
    const head = Math.ceil(maxLines * 0.75);
    const tail = maxLines - head;
    const cut = `[… ${plural(lines.length - maxLines, "line")} cut …]`;
    lines = [...lines.slice(0, head), cut, ...lines.slice(lines.length - tail)];
  }
  const text = lines.join("\n");
  if (text.length <= maxChars) return text;
  const head = Math.ceil(maxChars * 0.75);
  const tail = maxChars - head;
  return `${text.slice(0, head)}\n[… ${plural(text.length - maxChars, "character")} cut …]\n${tail > 0 ? text.slice(-tail) : ""}`;
}

function percent(value: number): string {
  return `${value.toFixed(1)}%`;
}

function duration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 2 : 1)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.floor(seconds - minutes * 60)} s`;
}

function plural(n: number, noun: string): string {
  return `${n.toLocaleString("en-US")} ${noun}${n === 1 ? "" : "s"}`;
}
