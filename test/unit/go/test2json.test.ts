import { readFileSync } from "node:fs";

import { describe, expect, it } from "vitest";

import { FileError } from "../../../core/errors.js";
import { failedOutsideTests, isPassing, KEPT_OUTPUT_CHARS } from "../../../core/go/test-report.js";
import { parseTestJson, TestEventParser, type TestEvent } from "../../../core/go/test2json.js";

const fixtures = new URL("../../fixtures/gotest/", import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, fixtures), "utf8");

const PKG = "example.com/svc";
function ev(action: string, fields: Partial<TestEvent> = {}): string {
  return JSON.stringify({ Time: "2025-03-10T10:00:00.000000001Z", Action: action, Package: PKG, ...fields }) + "\n";
}
const out = (test: string | undefined, text: string) => ev("output", { Test: test, Output: text });
const passing = (test: string) =>
  [ev("run", { Test: test }), out(test, `=== RUN   ${test}\n`), out(test, `--- PASS: ${test} (0.00s)\n`), ev("pass", { Test: test, Elapsed: 0 })].join("");

describe("parseTestJson on go-junit-report's 101-fail stream", () => {
  const report = parseTestJson(fixture("gojunit-101-fail.gojson.txt"));

  it("reports the package as failed with one failing and one passing test", () => {
    expect(report.totals).toEqual({ tests: 2, passed: 1, failed: 1, skipped: 0, packages: 1, failedPackages: 1 });
    expect(isPassing(report)).toBe(false);
    const [pkg] = report.packages;
    expect(pkg).toMatchObject({ importPath: "package/name/fail", status: "fail", elapsed: 0.001, buildFailed: false });
    expect(pkg!.tests.map((t) => [t.name, t.status])).toEqual([
      ["TestOne", "fail"],
      ["TestTwo", "pass"],
    ]);
  });

  it("keeps the failing test's output without go test's RUN/FAIL framing, and drops the passing one's", () => {
    const [one, two] = report.packages[0]!.tests;
    expect(one!.output).toBe("    main_test.go:6: Error message\n    main_test.go:7: Longer\n        error\n        message.\n");
    expect(two!.output).toBe("");
  });

  it("keeps the package's own output but not the PASS/FAIL summary lines", () => {
    expect(report.packages[0]!.output).toBe("exit status 1\n");
  });
});

describe("parseTestJson on gotestsum's build-failed stream (Go 1.24+ build events)", () => {
  const report = parseTestJson(fixture("gotestsum-go-test-build-failed.out"));

  it("marks the package whose FailedBuild names the failed build, with the compiler output", () => {
    expect(report.packages).toHaveLength(1);
    const pkg = report.packages[0]!;
    expect(pkg).toMatchObject({ importPath: "example.com/internal/cacher", status: "fail", buildFailed: true, tests: [] });
    expect(pkg.output).toBe("# example.com/internal/cacher [example.com/internal/cacher.test]\n./directory_test.go:321:10: undefined: assert.foo\n");
    expect(failedOutsideTests(pkg)).toBe(true);
    expect(report.totals).toMatchObject({ tests: 0, failed: 0, failedPackages: 1 });
    expect(isPassing(report)).toBe(false);
  });
});

describe("TestEventParser on hand-written streams", () => {
  it("follows parallel tests through pause and cont, in the order they started", () => {
    const stream = [
      ev("start"),
      ev("run", { Test: "TestA" }),
      out("TestA", "=== RUN   TestA\n"),
      out("TestA", "=== PAUSE TestA\n"),
      ev("pause", { Test: "TestA" }),
      ev("run", { Test: "TestB" }),
      out("TestB", "=== RUN   TestB\n"),
      out("TestB", "=== PAUSE TestB\n"),
      ev("pause", { Test: "TestB" }),
      ev("cont", { Test: "TestB" }),
      out("TestB", "=== CONT  TestB\n"),
      out("TestB", "    b_test.go:9: boom\n"),
      ev("cont", { Test: "TestA" }),
      out("TestA", "=== CONT  TestA\n"),
      out("TestA", "    a_test.go:3: fine\n"),
      out("TestA", "--- PASS: TestA (0.20s)\n"),
      ev("pass", { Test: "TestA", Elapsed: 0.2 }),
      out("TestB", "=== NAME  TestB\n"),
      out("TestB", "    b_test.go:10: still boom\n"),
      out("TestB", "--- FAIL: TestB (0.30s)\n"),
      ev("fail", { Test: "TestB", Elapsed: 0.3 }),
      out(undefined, "FAIL\n"),
      ev("fail", { Elapsed: 0.31 }),
    ].join("");
    const report = parseTestJson(stream);
    expect(report.packages[0]!.tests).toEqual([
      { package: PKG, name: "TestA", status: "pass", elapsed: 0.2, output: "" },
      { package: PKG, name: "TestB", status: "fail", elapsed: 0.3, output: "    b_test.go:9: boom\n    b_test.go:10: still boom\n" },
    ]);
  });

  it("counts every subtest as a test and keeps the failing subtest's output", () => {
    const stream = [
      ev("run", { Test: "TestParent" }),
      out("TestParent", "=== RUN   TestParent\n"),
      passing("TestParent/good"),
      ev("run", { Test: "TestParent/bad" }),
      out("TestParent/bad", "    fail_test.go:7: expected 1\n"),
      out("TestParent/bad", "         got 2\n"),
      out("TestParent/bad", "    --- FAIL: TestParent/bad (0.00s)\n"),
      ev("fail", { Test: "TestParent/bad", Elapsed: 0 }),
      out("TestParent", "--- FAIL: TestParent (0.00s)\n"),
      ev("fail", { Test: "TestParent", Elapsed: 0.01 }),
      ev("run", { Test: "TestSkipped" }),
      out("TestSkipped", "    fail_test.go:9: not on linux\n"),
      out("TestSkipped", "--- SKIP: TestSkipped (0.00s)\n"),
      ev("skip", { Test: "TestSkipped", Elapsed: 0 }),
      ev("fail", { Elapsed: 0.02 }),
    ].join("");
    const report = parseTestJson(stream);
    expect(report.totals).toEqual({ tests: 4, passed: 1, failed: 2, skipped: 1, packages: 1, failedPackages: 1 });
    const byName = Object.fromEntries(report.packages[0]!.tests.map((t) => [t.name, t]));
    expect(byName["TestParent/bad"]!.output).toBe("    fail_test.go:7: expected 1\n         got 2\n");
    expect(byName["TestParent"]!.output).toBe("");
    expect(byName["TestSkipped"]).toMatchObject({ status: "skip", output: "    fail_test.go:9: not on linux\n" });
    expect(failedOutsideTests(report.packages[0]!)).toBe(false);
  });

  it("fails a test that was running when the package panicked, with the panic as its output", () => {
    // Older Go printed the panic as package output and never ended the running test.
    const stream = [
      passing("TestDone"),
      ev("run", { Test: "TestBoom" }),
      out("TestBoom", "=== RUN   TestBoom\n"),
      out("TestBoom", "    boom_test.go:4: about to explode\n"),
      out(undefined, "panic: runtime error: index out of range [3] with length 3\n"),
      out(undefined, "\n"),
      out(undefined, "goroutine 7 [running]:\n"),
      out(undefined, "FAIL\texample.com/svc\t0.011s\n"),
      ev("fail", { Elapsed: 0.011 }),
    ].join("");
    const report = parseTestJson(stream);
    const [done, boom] = report.packages[0]!.tests;
    expect(done).toMatchObject({ name: "TestDone", status: "pass", output: "" });
    expect(boom!.status).toBe("fail");
    expect(boom!.output).toContain("    boom_test.go:4: about to explode\npanic: runtime error: index out of range");
    expect(boom!.output).toContain("goroutine 7 [running]:");
    expect(boom!.output).toMatch(/no result: this test was still running/);
    expect(report.packages[0]!.output).toContain("panic: runtime error");
    expect(report.totals.failed).toBe(1);
  });

  it("fails a test that timed out (Go attributes the timeout panic to it but never ends it)", () => {
    const stream = [
      ev("run", { Test: "TestSlow" }),
      out("TestSlow", "=== RUN   TestSlow\n"),
      out("TestSlow", "panic: test timed out after 2s\n"),
      out("TestSlow", "\trunning tests:\n"),
      out("TestSlow", "\t\tTestSlow (2s)\n"),
      out(undefined, "FAIL\texample.com/svc\t2.008s\n"),
      ev("fail", { Elapsed: 2.008 }),
    ].join("");
    const test = parseTestJson(stream).packages[0]!.tests[0]!;
    expect(test.status).toBe("fail");
    expect(test.output).toMatch(/^panic: test timed out after 2s\n\trunning tests:\n\t\tTestSlow \(2s\)\n/);
  });

  it("reports a package that panicked before any test (init) as failed outside tests", () => {
    const stream = [
      ev("start"),
      out(undefined, "panic: init went wrong\n"),
      out(undefined, "FAIL\texample.com/svc\t0.022s\n"),
      ev("fail", { Elapsed: 0.023 }),
    ].join("");
    const pkg = parseTestJson(stream).packages[0]!;
    expect(pkg).toMatchObject({ status: "fail", buildFailed: false, tests: [], output: "panic: init went wrong\n" });
    expect(failedOutsideTests(pkg)).toBe(true);
  });

  it("passes benchmarks, which test2json runs but never ends", () => {
    const stream = [
      out(undefined, "goos: linux\n"),
      ev("run", { Test: "BenchmarkAdd" }),
      out("BenchmarkAdd", "BenchmarkAdd-2   \t"),
      out("BenchmarkAdd", "      10\t      3992 ns/op\n"),
      ev("run", { Test: "BenchmarkLogs" }),
      out("BenchmarkLogs", "    bench_test.go:5: hi\n"),
      ev("bench", { Test: "BenchmarkLogs" }),
      out(undefined, "PASS\n"),
      ev("pass", { Elapsed: 0.004 }),
    ].join("");
    const report = parseTestJson(stream);
    expect(report.packages[0]!.tests.map((t) => [t.name, t.status])).toEqual([
      ["BenchmarkAdd", "pass"],
      ["BenchmarkLogs", "pass"],
    ]);
    expect(isPassing(report)).toBe(true);
  });

  it("keeps a finished benchmark passed when another test fails the package", () => {
    const stream = [
      ev("run", { Test: "BenchmarkAdd" }),
      out("BenchmarkAdd", "BenchmarkAdd-2     \t      10\t      2408 ns/op\n"),
      ev("run", { Test: "BenchmarkNever" }),
      ev("fail", { Elapsed: 1 }),
    ].join("");
    const tests = parseTestJson(stream).packages[0]!.tests;
    expect(tests.map((t) => t.status)).toEqual(["pass", "fail"]);
  });

  it("records each run of a test under -count=N as its own case", () => {
    const stream = passing("TestA") + passing("TestA") + ev("pass", { Elapsed: 0.1 });
    expect(parseTestJson(stream).packages[0]!.tests.map((t) => t.name)).toEqual(["TestA", "TestA"]);
  });

  it("treats a package without test files as skipped, which does not fail the run", () => {
    const report = parseTestJson(out(undefined, "?   \texample.com/svc\t[no test files]\n") + ev("skip", { Elapsed: 0 }));
    expect(report.packages[0]).toMatchObject({ status: "skip", output: "", tests: [] });
    expect(report.totals).toMatchObject({ packages: 1, failedPackages: 0 });
    expect(isPassing(report)).toBe(true);
  });

  it("reads coverage from the coverage line, and leaves it out for [no statements]", () => {
    const covered = parseTestJson(
      passing("TestA") + out(undefined, "PASS\n") + out(undefined, "coverage: 81.2% of statements\n") + ev("pass", { Elapsed: 0.1 }),
    );
    expect(covered.packages[0]!.coverage).toBe(81.2);
    const summaryOnly = parseTestJson(out(undefined, "ok  \texample.com/svc\t0.021s\tcoverage: 66.7% of statements in ./...\n") + ev("pass"));
    expect(summaryOnly.packages[0]!.coverage).toBe(66.7);
    const none = parseTestJson(passing("TestA") + out(undefined, "coverage: [no statements]\n") + ev("pass"));
    expect(none.packages[0]).not.toHaveProperty("coverage");
  });

  it("gives the run's wall time from the event timestamps", () => {
    const stream = [
      JSON.stringify({ Time: "2025-03-10T10:00:00.5Z", Action: "start", Package: "a" }),
      JSON.stringify({ Time: "2025-03-10T10:00:02.5Z", Action: "pass", Package: "a", Elapsed: 1.9 }),
      JSON.stringify({ Time: "2025-03-10T10:00:01Z", Action: "start", Package: "b" }),
      JSON.stringify({ Time: "2025-03-10T10:00:03.75Z", Action: "pass", Package: "b", Elapsed: 2.7 }),
    ].join("\n");
    expect(parseTestJson(stream).elapsed).toBeCloseTo(3.25);
  });
});

describe("TestEventParser with lines that are not events", () => {
  // `go test -json 2>&1` with GODEBUG=gotestjsonbuildtext=1 or Go before 1.24: compiler errors are plain text.
  const oldGoBuildFailure = [
    "go: downloading github.com/stretchr/testify v1.9.0\n",
    "# example.com/svc [example.com/svc.test]\n",
    "./svc_test.go:5:28: undefined: undefinedThing\n",
    "{not json at all\n",
    ev("start"),
    out(undefined, "FAIL\texample.com/svc [build failed]\n"),
    ev("fail", { Elapsed: 0 }),
  ].join("");

  it("attributes compiler errors under a `# pkg` header to that package and marks its build failed", () => {
    const report = parseTestJson(oldGoBuildFailure);
    expect(report.packages[0]).toMatchObject({ importPath: PKG, status: "fail", buildFailed: true });
    expect(report.packages[0]!.output).toBe("# example.com/svc [example.com/svc.test]\n./svc_test.go:5:28: undefined: undefinedThing\n{not json at all\n");
  });

  it("keeps every stray line in the report's stray output", () => {
    const { strayOutput } = parseTestJson(oldGoBuildFailure);
    expect(strayOutput).toBe(
      "go: downloading github.com/stretchr/testify v1.9.0\n# example.com/svc [example.com/svc.test]\n./svc_test.go:5:28: undefined: undefinedThing\n{not json at all\n",
    );
  });

  it("attributes the build of an external test package (pkg_test) to the package under test", () => {
    const stream =
      "# example.com/svc_test [example.com/svc.test]\n./x_test.go:1:1: boom\n" +
      ev("start") +
      out(undefined, "FAIL\texample.com/svc [build failed]\n") +
      ev("fail");
    expect(parseTestJson(stream).packages[0]!.output).toContain("./x_test.go:1:1: boom");
  });

  it("fails a package whose build failure only appears as plain text (Go before 1.20)", () => {
    const report = parseTestJson("# example.com/old\n./old.go:3:1: syntax error\nFAIL\texample.com/old [build failed]\n" + passing("TestA") + ev("pass"));
    const old = report.packages.find((p) => p.importPath === "example.com/old");
    expect(old).toMatchObject({ status: "fail", buildFailed: true, output: "# example.com/old\n./old.go:3:1: syntax error\n" });
    expect(isPassing(report)).toBe(false);
  });

  it("fails a build-fail event that no package claimed", () => {
    const stream =
      JSON.stringify({ ImportPath: "example.com/lib [example.com/lib.test]", Action: "build-output", Output: "lib.go:1: bad\n" }) +
      "\n" +
      JSON.stringify({ ImportPath: "example.com/lib [example.com/lib.test]", Action: "build-fail" }) +
      "\n";
    expect(parseTestJson(stream).packages).toEqual([
      { importPath: "example.com/lib", status: "fail", elapsed: 0, buildFailed: true, output: "lib.go:1: bad\n", tests: [] },
    ]);
  });

  it("does not pass a run where go test printed only errors", () => {
    const report = parseTestJson("go: cannot find main module, but found .git/config in /src\n");
    expect(report.packages).toEqual([]);
    expect(report.strayOutput).toContain("cannot find main module");
    expect(isPassing(report)).toBe(false);
  });

  it("accepts CRLF line endings", () => {
    const report = parseTestJson(passing("TestA").replace(/\n/g, "\r\n") + ev("pass"));
    expect(report.packages[0]!.tests[0]).toMatchObject({ name: "TestA", status: "pass" });
    expect(report.strayOutput).toBe("");
  });
});

describe("TestEventParser on streams that end early or say a lot", () => {
  it("fails the package and its running test when the stream stops mid-test", () => {
    const report = parseTestJson(passing("TestA") + ev("run", { Test: "TestB" }) + out("TestB", "    b_test.go:3: working\n") + '{"Action":"outp');
    const pkg = report.packages[0]!;
    expect(pkg.status).toBe("fail");
    expect(pkg.output).toContain("the stream ended before example.com/svc reported a result");
    expect(pkg.tests.map((t) => [t.name, t.status])).toEqual([
      ["TestA", "pass"],
      ["TestB", "fail"],
    ]);
    expect(pkg.tests[1]!.output).toContain("    b_test.go:3: working\n");
    expect(report.strayOutput).toBe('{"Action":"outp\n');
  });

  it("keeps the start and end of a huge failing output and says how much it cut", () => {
    const parser = new TestEventParser();
    parser.write(ev("run", { Test: "TestChatty" }) + out("TestChatty", "FIRST LINE\n"));
    const line = "x".repeat(99) + "\n";
    for (let i = 0; i < 5000; i++) parser.write(out("TestChatty", line));
    parser.write(out("TestChatty", "LAST LINE\n") + ev("fail", { Test: "TestChatty" }) + ev("fail"));
    const output = parser.end().packages[0]!.tests[0]!.output;
    expect(output.length).toBeLessThan(KEPT_OUTPUT_CHARS + 100);
    expect(output.startsWith("FIRST LINE\n")).toBe(true);
    expect(output.endsWith("LAST LINE\n")).toBe(true);
    expect(output).toMatch(/\[… \d+ characters of output cut …\]/);
    const cut = Number(/\[… (\d+) characters/.exec(output)![1]);
    expect(cut + KEPT_OUTPUT_CHARS).toBe("FIRST LINE\n".length + 5000 * line.length + "LAST LINE\n".length);
  });
});

describe("TestEventParser chunking", () => {
  const stream = [
    ev("start"),
    passing("TestÜnïcode/✓"),
    ev("run", { Test: "TestFail" }),
    out("TestFail", "    x_test.go:1: want 🚀 got 💥\n"),
    ev("fail", { Test: "TestFail", Elapsed: 0.5 }),
    "# example.com/svc\n",
    out(undefined, "coverage: 12.5% of statements\n"),
    ev("fail", { Elapsed: 0.6 }),
  ].join("");
  const whole = parseTestJson(stream);

  it("gives the same report wherever the bytes are split, even inside a UTF-8 character", () => {
    const bytes = new TextEncoder().encode(stream);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const parser = new TestEventParser();
      parser.write(bytes.subarray(0, cut));
      parser.write(bytes.subarray(cut));
      expect(parser.end(), `split at byte ${cut}`).toEqual(whole);
    }
  });

  it("gives the same report fed one character or one byte at a time", () => {
    const byChar = new TestEventParser();
    for (const c of stream) byChar.write(c);
    expect(byChar.end()).toEqual(whole);
    const byByte = new TestEventParser();
    for (const b of new TextEncoder().encode(stream)) byByte.write(Uint8Array.of(b));
    expect(byByte.end()).toEqual(whole);
  });

  it("reads the stream under test correctly in the first place", () => {
    expect(whole.packages[0]!.tests.map((t) => [t.name, t.status])).toEqual([
      ["TestÜnïcode/✓", "pass"],
      ["TestFail", "fail"],
    ]);
    expect(whole.packages[0]!.tests[1]!.output).toBe("    x_test.go:1: want 🚀 got 💥\n");
    expect(whole.packages[0]!.coverage).toBe(12.5);
    expect(whole.strayOutput).toBe("# example.com/svc\n");
  });
});

describe("TestEventParser: compiler output is capped like every other output", () => {
  it("keeps the start and end of a huge build-output and says how much it cut", () => {
    const importPath = `${PKG} [${PKG}.test]`;
    const build = (output: string) => JSON.stringify({ ImportPath: importPath, Action: "build-output", Output: output }) + "\n";
    const parser = new TestEventParser();
    parser.write(build(`# ${importPath}\n`));
    const line = "./svc_test.go:1:1: undefined: x\n";
    const lines = Math.ceil((3 * KEPT_OUTPUT_CHARS) / line.length);
    for (let i = 0; i < lines; i++) parser.write(build(line));
    parser.write(build("LAST LINE\n") + JSON.stringify({ ImportPath: importPath, Action: "build-fail" }) + "\n");
    parser.write(ev("start") + ev("fail", { FailedBuild: importPath }));
    const pkg = parser.end().packages[0]!;
    expect(pkg.buildFailed).toBe(true);
    expect(pkg.output.length).toBeLessThan(KEPT_OUTPUT_CHARS + 100);
    expect(pkg.output.startsWith(`# ${importPath}\n`)).toBe(true);
    expect(pkg.output.endsWith("LAST LINE\n")).toBe(true);
    expect(pkg.output).toMatch(/\[… \d+ characters of output cut …\]/);
  });
});

describe("TestEventParser: no regular expression takes super-linear time on a long line", () => {
  // 256 KiB: go test prints lines this long (a dumped JSON body, a one-line minified payload).
  const long = 256 * 1024;

  it("reads a `# ` header line of 256 KiB of '[' as the stray output it is", () => {
    const line = `# ${"[".repeat(long)}\n`;
    const report = parseTestJson(line + ev("start") + ev("pass", { Elapsed: 0 }));
    expect(report.strayOutput.startsWith("# [[[[")).toBe(true);
    expect(report.packages.map((p) => [p.importPath, p.status])).toEqual([[PKG, "pass"]]);
  });

  it("still attributes a long `# pkg [pkg.test]` header to the package under test", () => {
    const pkg = `example.com/${"a".repeat(long)}`;
    const report = parseTestJson(`# ${pkg} [${pkg}.test]\n./x_test.go:1:1: boom\nFAIL\t${pkg} [build failed]\n`);
    expect(report.packages.map((p) => [p.importPath === pkg, p.buildFailed])).toEqual([[true, true]]);
    const output = report.packages[0]!.output;
    expect([output.startsWith("# example.com/aaaa"), output.endsWith(".test]\n./x_test.go:1:1: boom\n")]).toEqual([true, true]);
  });

  it("checks a benchmark's 256 KiB output line of digits for a result without backtracking", () => {
    const stream = (output: string) =>
      ev("run", { Test: "BenchmarkX" }) + out("BenchmarkX", output) + out(undefined, "exit status 1\n") + ev("fail", { Elapsed: 0 });
    // A benchmark with a result line passes even when the package fails; one without is failed with it.
    const digits = parseTestJson(stream(`${"1".repeat(long)}\n`)).packages[0]!.tests[0]!;
    expect(digits.status).toBe("fail");
    const result = parseTestJson(stream(`${"1".repeat(long)} \t 100\t 12.5 ns/op\n`)).packages[0]!.tests[0]!;
    expect(result.status).toBe("pass");
    const spaced = parseTestJson(stream(`${"1 ".repeat(long / 2)}ns/op\n`)).packages[0]!.tests[0]!;
    expect(spaced.status).toBe("pass");
  });
});

describe("TestEventParser: events after a package's result", () => {
  it("do not create a second, failed package", () => {
    const report = parseTestJson(
      ev("start") + passing("TestA") + ev("pass", { Elapsed: 0.1 }) + out(undefined, "late output\n") + ev("output", { Test: "TestA", Output: "late\n" }),
    );
    expect(report.packages.map((p) => [p.importPath, p.status])).toEqual([[PKG, "pass"]]);
    expect(isPassing(report)).toBe(true);
  });
});

describe("TestEventParser: a field of the wrong type", () => {
  it.each<[string, Record<string, unknown>, string]>([
    ["Elapsed as text", { Action: "pass", Package: PKG, Test: "TestA", Elapsed: "0.5" }, "Elapsed"],
    ["Action as a number", { Action: 3, Package: PKG }, "Action"],
    ["Package as a number", { Action: "output", Package: 7, Output: "x\n" }, "Package"],
    ["Output as an object", { Action: "output", Package: PKG, Output: { text: "x" } }, "Output"],
    ["Test as null", { Action: "run", Package: PKG, Test: null }, "Test"],
    ["Time as a number", { Action: "start", Package: PKG, Time: 12 }, "Time"],
    ["ImportPath as a list", { Action: "build-output", ImportPath: ["x"], Output: "y\n" }, "ImportPath"],
  ])("%s is an error naming the line and field", (_, event, field) => {
    const stream = ev("start") + JSON.stringify(event) + "\n";
    const run = () => parseTestJson(stream);
    expect(run).toThrow(FileError);
    expect(run).toThrow(new RegExp(`^go test -json:2: ${field}: expected `));
  });
});
