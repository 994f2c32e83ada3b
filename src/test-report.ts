import { dag, func, object, type Directory, type File, type float } from "@dagger.io/dagger";

import type { CoverageSummary } from "#core/go/coverage.js";
import type { TestReport as CoreTestReport } from "#core/go/test-report.js";

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
  /** The Go module's path (go.mod), which prefixes the profile's file names. */
  modulePath: string;
  /** The module's directory in the repository (the pipeline's source), for repository paths in coverage reports. */
  sourceDir: string;
  /** Seconds since the epoch stamped into coverage reports (the commit time; 0 when unknown). */
  timestamp: number;

  // Only API types may appear in an @object constructor (they become part of the module's API).
  constructor(events: File, exitCode: number, coverprofile?: File, modulePath = "", sourceDir = ".", timestamp = 0) {
    this.events = events;
    this.exitCode = exitCode;
    this.coverprofile = coverprofile;
    this.modulePath = modulePath;
    this.sourceDir = sourceDir;
    this.timestamp = timestamp;
  }

  static of(events: File, exitCode: number, coverprofile?: File, source: { modulePath: string; sourceDir: string; timestamp: number } = { modulePath: "", sourceDir: ".", timestamp: 0 }): TestReport {
    return new TestReport(events, exitCode, coverprofile, source.modulePath, source.sourceDir, source.timestamp);
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
    return (await this.coverageTotals())?.percent ?? 0;
  }

  /** Whether go test exited 0 and no test or package failed. */
  @func()
  async ok(): Promise<boolean> {
    const { suitePassed } = await import("#core/go/test-outcome.js");
    return suitePassed(await this.report(), this.exitCode);
  }

  /** JUnit XML for GitHub and GitLab test views. Example: dagger call test junit export --path junit.xml */
  @func()
  async junit(): Promise<File> {
    const { testReportToJUnit } = await import("#core/go/test-junit.js");
    const { TEST_REPORT_FILES } = await import("#core/go/report-files.js");
    return dag.file(TEST_REPORT_FILES.junit, testReportToJUnit(await this.report()));
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

  /**
   * Line coverage as Cobertura XML with paths from the repository root, for GitLab's merge request
   * coverage view (artifacts:reports:coverage_report). Example: dagger call test cobertura export --path coverage.xml
   */
  @func()
  async cobertura(): Promise<File> {
    const { coverProfileToCobertura } = await import("#core/go/cobertura.js");
    const profile = this.coverprofile ? await this.coverprofile.contents() : "mode: set\n";
    const { TEST_REPORT_FILES } = await import("#core/go/report-files.js");
    return dag.file(TEST_REPORT_FILES.cobertura, coverProfileToCobertura(profile, { modulePath: this.modulePath, sourceDir: this.sourceDir, timestamp: this.timestamp }));
  }

  /** A Markdown summary for a GitHub job summary or a GitLab merge request note. */
  @func()
  async summary(): Promise<string> {
    const { testSummaryMarkdown } = await import("#core/go/test-summary.js");
    return testSummaryMarkdown(await this.report(), await this.coverageTotals());
  }

  /**
   * Every report in one directory: junit.xml, go-test.json, coverage.out, coverage.xml (Cobertura) and summary.md.
   * Example: dagger call test reports export --path reports/test
   */
  @func()
  async reports(): Promise<Directory> {
    const { reportDirectory } = await import("#dagger/report-directory.js");
    const { TEST_REPORT_FILES: named } = await import("#core/go/report-files.js");
    return reportDirectory({
      [named.junit]: await this.junit(),
      [named.events]: this.events,
      [named.coverprofile]: this.profile(),
      [named.cobertura]: await this.cobertura(),
      [named.markdown]: await this.summary(),
    });
  }

  /** Fails, listing the failing tests, unless the suite passed; export reports before calling it. */
  @func()
  async check(): Promise<void> {
    const { failureMessage, suitePassed } = await import("#core/go/test-outcome.js");
    const report = await this.report();
    if (!suitePassed(report, this.exitCode)) throw new Error(failureMessage(report, this.exitCode));
  }

  private async report(): Promise<CoreTestReport> {
    const { parseTestJson } = await import("#core/go/test2json.js");
    return parseTestJson(await this.events.contents());
  }

  private async coverageTotals(): Promise<CoverageSummary | undefined> {
    if (!this.coverprofile) return undefined;
    const { parseCoverProfile } = await import("#core/go/coverage.js");
    return parseCoverProfile(await this.coverprofile.contents(), "coverage.out");
  }
}
