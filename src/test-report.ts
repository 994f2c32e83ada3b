import { func, object, type Directory, type File, type float } from "@dagger.io/dagger";

/**
 * The outcome of a go test run: counts, coverage and reports for CI test views. Everything is
 * computed when the run ends and kept as fields, so reading a count or exporting the reports is
 * served from the object's state: `dagger call test reports export --path reports/test` starts the
 * module's runtime once.
 */
@object()
export class TestReport {
  /** Exit code of go test. */
  @func()
  exitCode: number;
  /** Number of tests and subtests that ran. */
  @func()
  tests: number;
  /** Number of tests that passed. */
  @func()
  passed: number;
  /** Number of tests that failed; a package that fails to build has no tests to count, so check ok too. */
  @func()
  failed: number;
  /** Number of tests that were skipped. */
  @func()
  skipped: number;
  /** Total statement coverage in percent (0 when coverage was not measured). */
  @func()
  coverage: float;
  /** Whether go test exited 0 and no test or package failed. */
  @func()
  ok: boolean;
  /** A Markdown summary for a GitHub job summary or a GitLab merge request note. */
  @func()
  summary: string;
  /** JUnit XML for GitHub and GitLab test views. Example: dagger call test junit export --path junit.xml */
  @func()
  junit!: File;
  /** The raw go test -json stream. */
  @func()
  json!: File;
  /** The Go coverage profile (empty when coverage was not measured or the build failed). */
  @func()
  profile!: File;
  /**
   * Line coverage as Cobertura XML with paths from the repository root, for GitLab's merge request
   * coverage view (artifacts:reports:coverage_report). Example: dagger call test cobertura export --path coverage.xml
   */
  @func()
  cobertura!: File;
  /**
   * Every report in one directory: junit.xml, go-test.json, coverage.out, coverage.xml (Cobertura),
   * summary.md and gate.txt (first line passed or failed, then why: a CI step judges it without
   * calling the module again). Example: dagger call test reports export --path reports/test
   */
  @func()
  reports!: Directory;
  /** Why the suite failed; empty when it passed. */
  failure: string;

  // Every @object constructor parameter's type becomes part of the module's API, so the
  // constructor takes nothing and the run comes in through the static factory.
  constructor() {
    this.exitCode = 0;
    this.tests = 0;
    this.passed = 0;
    this.failed = 0;
    this.skipped = 0;
    this.coverage = 0;
    this.ok = false;
    this.summary = "";
    this.failure = "";
  }

  /** The report of a run: its stream and profile are read once, here, and every output computed. */
  static async of(run: {
    events: File;
    exitCode: number;
    coverprofile?: File;
    source?: { modulePath: string; sourceDir: string; timestamp: number };
  }): Promise<TestReport> {
    const { testOutputs } = await import("#core/go/test-outputs.js");
    const { TEST_REPORT_FILES: named } = await import("#core/go/report-files.js");
    const { reportDirectory } = await import("#dagger/report-directory.js");
    const source = run.source ?? { modulePath: "", sourceDir: ".", timestamp: 0 };
    const [events, profile] = await Promise.all([run.events.contents(), run.coverprofile?.contents()]);
    const out = testOutputs({ events, exitCode: run.exitCode, coverprofile: profile, ...source });
    const files = {
      [named.junit]: out.junit,
      [named.events]: run.events,
      [named.coverprofile]: run.coverprofile ?? "",
      [named.cobertura]: out.cobertura,
      [named.markdown]: out.summary,
      [named.gate]: out.gate,
    };
    const reports = reportDirectory(files);
    return Object.assign(new TestReport(), {
      exitCode: run.exitCode,
      tests: out.tests,
      passed: out.passed,
      failed: out.failed,
      skipped: out.skipped,
      coverage: out.coverage,
      ok: out.ok,
      summary: out.summary,
      failure: out.failure,
      reports,
      junit: reports.file(named.junit),
      json: reports.file(named.events),
      profile: reports.file(named.coverprofile),
      cobertura: reports.file(named.cobertura),
    });
  }

  /** Fails, listing the failing tests, unless the suite passed. One call for a gate: dagger call tests-pass */
  @func()
  check(): void {
    if (!this.ok) throw new Error(this.failure);
  }
}
