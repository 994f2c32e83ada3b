import { dag, func, object, type File, type float } from "@dagger.io/dagger";

import { parseCoverProfile } from "../core/go/coverage.js";
import { testReportToJUnit } from "../core/go/test-junit.js";
import { failureMessage, suitePassed } from "../core/go/test-outcome.js";
import { parseTestJson } from "../core/go/test2json.js";
import type { TestReport as CoreTestReport } from "../core/go/test-report.js";
import { testSummaryMarkdown } from "../core/go/test-summary.js";

/** The outcome of a go test run: counts, coverage and reports for CI test views. */
@object()
export class TestReport {
  /** The go test -json event stream. */
  events: File;
  /** Exit code of go test. */
  @func()
  exitCode: number;
  /** Coverage profile, when the run measured coverage and compiled. */
  coverprofile?: File;

  constructor(events: File, exitCode: number, coverprofile?: File) {
    this.events = events;
    this.exitCode = exitCode;
    this.coverprofile = coverprofile;
  }

  /** Number of tests and subtests that ran. */
  @func()
  async tests(): Promise<number> {
    return (await this.report()).totals.tests;
  }

  /** Number of tests that passed. */
  @func()
  async passed(): Promise<number> {
    return (await this.report()).totals.passed;
  }

  /** Number of tests that failed; a package that fails to build has no tests to count, so check ok too. */
  @func()
  async failed(): Promise<number> {
    return (await this.report()).totals.failed;
  }

  /** Number of tests that were skipped. */
  @func()
  async skipped(): Promise<number> {
    return (await this.report()).totals.skipped;
  }

  /** Total statement coverage in percent (0 when coverage was not measured). */
  @func()
  async coverage(): Promise<float> {
    if (!this.coverprofile) return 0;
    return parseCoverProfile(await this.coverprofile.contents(), "coverage.out").percent;
  }

  /** Whether go test exited 0 and no test or package failed. */
  @func()
  async ok(): Promise<boolean> {
    return suitePassed(await this.report(), this.exitCode);
  }

  /** JUnit XML for GitHub and GitLab test views. */
  @func()
  async junit(): Promise<File> {
    return dag.file("junit.xml", testReportToJUnit(await this.report()));
  }

  /** The raw go test -json stream. */
  @func()
  json(): File {
    return this.events;
  }

  /** The Go coverage profile (empty when coverage was not measured or the build failed). */
  @func()
  profile(): File {
    return this.coverprofile ?? dag.file("coverage.out", "");
  }

  /** A Markdown summary for a GitHub job summary or a GitLab merge request note. */
  @func()
  async summary(): Promise<string> {
    const report = await this.report();
    const coverage = this.coverprofile ? parseCoverProfile(await this.coverprofile.contents(), "coverage.out") : undefined;
    return testSummaryMarkdown(report, coverage);
  }

  /** Fails, listing the failing tests, unless the suite passed; export reports before calling it. */
  @func()
  async check(): Promise<void> {
    const report = await this.report();
    if (!suitePassed(report, this.exitCode)) throw new Error(failureMessage(report, this.exitCode));
  }

  private async report(): Promise<CoreTestReport> {
    return parseTestJson(await this.events.contents());
  }
}
