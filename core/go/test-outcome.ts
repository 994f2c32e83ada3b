import { isPassing, type TestReport } from "./test-report.js";

/**
 * A suite passes only if go test exited 0 and the stream shows no failure. Either alone can lie:
 * a vet failure or a crashed test binary can leave a clean-looking stream, and a stream cut short
 * by a timeout can end before the failing event.
 */
export function suitePassed(report: TestReport, exitCode: number): boolean {
  return exitCode === 0 && isPassing(report);
}

/** The message a failing suite stops a CI job with: what failed, not just "exit status 1". */
export function failureMessage(report: TestReport, exitCode: number): string {
  const failedTests = report.packages.flatMap((p) => p.tests.filter((t) => t.status === "fail").map((t) => `${p.importPath}.${t.name}`));
  const failedBuilds = report.packages.filter((p) => p.buildFailed).map((p) => p.importPath);
  const lines = [`go test failed (exit code ${exitCode}): ${report.totals.failed} of ${report.totals.tests} tests failed`];
  if (failedBuilds.length > 0) lines.push(`build failed: ${failedBuilds.join(", ")}`);
  const shown = failedTests.slice(0, 20);
  if (shown.length > 0) lines.push(...shown.map((t) => `  FAIL ${t}`));
  if (failedTests.length > shown.length) lines.push(`  … and ${failedTests.length - shown.length} more`);
  return lines.join("\n");
}
