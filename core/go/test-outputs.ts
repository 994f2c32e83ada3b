import { coverProfileToCobertura } from "./cobertura.js";
import { parseCoverProfile } from "./coverage.js";
import { TEST_REPORT_FILES } from "./report-files.js";
import { failureMessage, suitePassed } from "./test-outcome.js";
import { testReportToJUnit } from "./test-junit.js";
import { parseTestJson } from "./test2json.js";
import { testSummaryMarkdown } from "./test-summary.js";
import { gateFileText } from "../report/gate-file.js";

/** What go test left, as text: its -json stream, exit code and coverage profile, and where the sources are. */
export interface TestRunText {
  events: string;
  exitCode: number;
  /** The coverage profile; undefined when coverage was not measured or the build failed. */
  coverprofile?: string;
  modulePath: string;
  sourceDir: string;
  timestamp: number;
}

/**
 * Everything a test run is read as, computed once when the run ends: the counts, the verdict and
 * every report's text. The Dagger surface keeps them as fields, so reading one is served from the
 * object's state and never starts the module's runtime again.
 */
export interface TestOutputs {
  tests: number;
  passed: number;
  failed: number;
  skipped: number;
  /** Statement coverage in percent; 0 when not measured. */
  coverage: number;
  ok: boolean;
  /** Why the suite failed (failing tests, failed builds); empty when it passed. */
  failure: string;
  summary: string;
  junit: string;
  cobertura: string;
  /** The gate file's text: the verdict a CI step checks without calling the module again. */
  gate: string;
}

export function testOutputs(run: TestRunText): TestOutputs {
  const report = parseTestJson(run.events);
  const coverage = run.coverprofile === undefined ? undefined : parseCoverProfile(run.coverprofile, TEST_REPORT_FILES.coverprofile);
  const ok = suitePassed(report, run.exitCode);
  const failure = ok ? "" : failureMessage(report, run.exitCode);
  const { tests, passed, failed, skipped } = report.totals;
  return {
    tests,
    passed,
    failed,
    skipped,
    coverage: coverage?.percent ?? 0,
    ok,
    failure,
    summary: testSummaryMarkdown(report, coverage),
    junit: testReportToJUnit(report),
    cobertura: coverProfileToCobertura(run.coverprofile ?? "mode: set\n", { modulePath: run.modulePath, sourceDir: run.sourceDir, timestamp: run.timestamp }),
    gate: gateFileText(ok, failure),
  };
}
