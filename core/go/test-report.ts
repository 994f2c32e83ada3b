/** What `go test -json` said about a run, package by package, after parsing (see test2json.ts). */

export type TestStatus = "pass" | "fail" | "skip";

export interface TestResult {
  /** Import path of the package the test belongs to. */
  package: string;
  /** Full name; subtests keep their parent's prefix (`TestA/sub`). */
  name: string;
  status: TestStatus;
  /** Seconds. */
  elapsed: number;
  /** Kept only for failed and skipped tests, without go test's `=== RUN` / `--- FAIL` framing lines. */
  output: string;
}

export interface PackageResult {
  importPath: string;
  /** `skip` is Go's word for a package without test files. */
  status: TestStatus;
  /** Seconds. */
  elapsed: number;
  /** Percent of statements, from the `coverage: 81.2% of statements` line; absent when none was printed. */
  coverage?: number;
  /** The test binary was never built (compile error, vet failure, setup error), so no test ran. */
  buildFailed: boolean;
  /** Output outside any test (build errors, panics in init or TestMain), kept only when the package failed. */
  output: string;
  /** Every test and subtest in the order they started. */
  tests: TestResult[];
}

export interface TestTotals {
  tests: number;
  passed: number;
  failed: number;
  skipped: number;
  packages: number;
  failedPackages: number;
}

export interface TestReport {
  packages: PackageResult[];
  totals: TestTotals;
  /** Seconds of wall time the stream covers. */
  elapsed: number;
  /** Lines that were not test2json events (build errors from older Go, `go:` messages). */
  strayOutput: string;
}

/**
 * A run passes only when something reported and nothing failed: a report without packages means
 * go test never got to run (setup error, empty or cut stream), and missing results are a failure.
 */
export function isPassing(report: TestReport): boolean {
  return report.packages.length > 0 && report.totals.failed === 0 && report.totals.failedPackages === 0;
}

/** The package failed but no failing test explains why: build error, panic in init, TestMain exit. */
export function failedOutsideTests(pkg: PackageResult): boolean {
  return pkg.status === "fail" && (pkg.buildFailed || !pkg.tests.some((t) => t.status === "fail"));
}

export function countTotals(packages: PackageResult[]): TestTotals {
  const totals: TestTotals = { tests: 0, passed: 0, failed: 0, skipped: 0, packages: packages.length, failedPackages: 0 };
  for (const pkg of packages) {
    if (pkg.status === "fail") totals.failedPackages++;
    for (const test of pkg.tests) {
      totals.tests++;
      if (test.status === "pass") totals.passed++;
      else if (test.status === "fail") totals.failed++;
      else totals.skipped++;
    }
  }
  return totals;
}

// ---- Aggregation: one package's events into a PackageResult (test2json.ts feeds it). ----

/** Most a single test, package or the stray output keeps; the middle of anything longer is cut. */
export const KEPT_OUTPUT_CHARS = 256 * 1024;

/** `FAIL <pkg> [build failed]`: go test could not build the package's test binary. */
export const BUILD_FAILED_LINE = /^FAIL\s+(\S+) \[(?:build|setup) failed\]/;
const FRAMING_LINE = /^(?:=== (?:RUN|PAUSE|CONT|NAME) |\s*--- (?:PASS|FAIL|SKIP): )/;
// Lines go test prints around every package: result words, the summary line, coverage, benchmark headers.
const PACKAGE_NOISE_LINE = /^(?:(?:PASS|FAIL)\s*$|(?:ok|FAIL|\?)\s+\S+\s|coverage: |testing: warning: no tests to run|(?:goos|goarch|pkg|cpu): )/;
const COVERAGE_LINE = /(?:^|\s)coverage: (\d+(?:\.\d+)?)% of statements/;
const UNFINISHED_NOTE = "[no result: this test was still running when its package failed]\n";

/** One package's tests while its test binary runs. */
export class PackageRun {
  private readonly tests: TestResult[] = [];
  private readonly latest = new Map<string, TestResult>();
  /** Output of the tests still running; a test leaves this map when it settles. */
  private readonly outputs = new Map<TestResult, BoundedText>();
  private readonly benchmarksWithResult = new Set<TestResult>();
  private readonly output = new BoundedText();
  private coverage?: number;
  private buildFailed = false;

  constructor(readonly importPath: string) {}

  testEvent(action: string, name: string, elapsed: number, output: string): void {
    const test = this.testNamed(name, action === "run");
    switch (action) {
      case "output":
        if (name.startsWith("Benchmark") && hasBenchmarkResult(output)) this.benchmarksWithResult.add(test);
        if (!FRAMING_LINE.test(output)) this.outputs.get(test)?.append(output);
        return;
      case "pass":
      case "bench": // a benchmark that logged but did not fail
        return this.settle(test, "pass", elapsed);
      case "fail":
      case "skip":
        return this.settle(test, action, elapsed);
    }
  }

  packageOutput(text: string): void {
    const coverage = COVERAGE_LINE.exec(text);
    if (coverage) this.coverage = Number(coverage[1]);
    if (BUILD_FAILED_LINE.test(text)) this.buildFailed = true;
    if (!PACKAGE_NOISE_LINE.test(text)) this.output.append(text);
  }

  /** `preamble` is what was said about the package outside its events: compiler errors, stray lines. */
  finish(status: TestStatus, elapsed: number, failedBuild: boolean, preamble: string): PackageResult {
    const ownOutput = this.output.toString();
    // Tests without a result of their own: benchmarks (test2json never ends them) and tests that were
    // running when the binary died (panic, timeout, os.Exit). Only a failing binary can have failed them.
    for (const [test, kept] of this.outputs) {
      if (status === "fail" && !this.benchmarksWithResult.has(test)) {
        test.status = "fail";
        test.output = `${kept}${ownOutput}${UNFINISHED_NOTE}`;
      } else {
        test.status = "pass";
      }
    }
    this.outputs.clear();
    const result: PackageResult = {
      importPath: this.importPath,
      status,
      elapsed,
      buildFailed: this.buildFailed || failedBuild,
      output: status === "fail" ? preamble + ownOutput : "",
      tests: this.tests,
    };
    if (this.coverage !== undefined) result.coverage = this.coverage;
    return result;
  }

  private testNamed(name: string, starting: boolean): TestResult {
    const known = this.latest.get(name);
    // A settled test that runs again is a new case (-count=N).
    if (known && (this.outputs.has(known) || !starting)) return known;
    const test: TestResult = { package: this.importPath, name, status: "fail", elapsed: 0, output: "" };
    this.tests.push(test);
    this.latest.set(name, test);
    this.outputs.set(test, new BoundedText());
    return test;
  }

  private settle(test: TestResult, status: TestStatus, elapsed: number): void {
    const kept = this.outputs.get(test);
    if (!kept) return;
    test.status = status;
    test.elapsed = elapsed;
    if (status !== "pass") test.output = kept.toString();
    this.outputs.delete(test);
  }
}

/**
 * Whether the text holds a benchmark result, `<iterations> <value> ns/op` (what `/\d+\s+\d[\d.]*\s+ns\/op/`
 * matches). test2json may split "BenchmarkX-8 \t 100\t 12 ns/op" over two output events; the numbers
 * part is enough. Scanned backwards from each "ns/op": the regular expression backtracks through every
 * digit and takes quadratic time on a long line of them.
 */
export function hasBenchmarkResult(text: string): boolean {
  const isDigit = (i: number) => i >= 0 && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57;
  const isSpace = (i: number) => i >= 0 && /\s/.test(text[i]!);
  for (let at = text.indexOf("ns/op"); at !== -1; at = text.indexOf("ns/op", at + 1)) {
    let i = at - 1;
    if (!isSpace(i)) continue;
    while (isSpace(i)) i--;
    // The value: digits and dots, starting with a digit, after white space.
    const valueEnd = i + 1;
    while (isDigit(i) || (i >= 0 && text[i] === ".")) i--;
    if (i + 1 === valueEnd || !isDigit(i + 1) || !isSpace(i)) continue;
    while (isSpace(i)) i--;
    if (isDigit(i)) return true;
  }
  return false;
}

/** Text that keeps its beginning and end within `limit` characters, and says how much of the middle it cut. */
export class BoundedText {
  private head = "";
  private tail = "";
  private cut = 0;

  constructor(private readonly limit = KEPT_OUTPUT_CHARS) {}

  append(text: string): void {
    const half = this.limit / 2;
    if (this.head.length < half) {
      const room = half - this.head.length;
      this.head += text.slice(0, room);
      text = text.slice(room);
      if (text === "") return;
    }
    this.tail += text;
    // Trimming only once the tail is twice its size keeps appends amortised O(1).
    if (this.tail.length > this.limit) this.trimTail(half);
  }

  toString(): string {
    this.trimTail(this.limit / 2);
    if (this.cut === 0) return this.head + this.tail;
    return `${this.head}\n[… ${this.cut} characters of output cut …]\n${this.tail}`;
  }

  private trimTail(size: number): void {
    if (this.tail.length <= size) return;
    this.cut += this.tail.length - size;
    this.tail = this.tail.slice(-size);
  }
}
