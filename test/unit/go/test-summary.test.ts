import { readFileSync } from "node:fs";

import { describe, expect, it } from "vitest";

import { countTotals, type PackageResult, type TestReport, type TestResult } from "../../../core/go/test-report.js";
import { outputExcerpt, testSummaryMarkdown } from "../../../core/go/test-summary.js";
import { parseTestJson } from "../../../core/go/test2json.js";

const fixtures = new URL("../../fixtures/gotest/", import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, fixtures), "utf8");

const PKG = "example.com/svc";
function test(name: string, status: TestResult["status"], output = ""): TestResult {
  return { package: PKG, name, status, elapsed: 0.01, output };
}
function report(tests: TestResult[], pkg: Partial<PackageResult> = {}): TestReport {
  const status = tests.some((t) => t.status === "fail") ? "fail" : "pass";
  const packages: PackageResult[] = [{ importPath: PKG, status, elapsed: 1.5, buildFailed: false, output: "", tests, ...pkg }];
  return { packages, totals: countTotals(packages), elapsed: 1.5, strayOutput: "" };
}

describe("testSummaryMarkdown", () => {
  it("heads a passing run with ✅, counts, coverage and time, and lists no failures", () => {
    const markdown = testSummaryMarkdown(report([test("TestA", "pass"), test("TestB", "skip")], { coverage: 81.25 }), {
      statements: 400,
      covered: 325,
      percent: 81.25,
    });
    expect(markdown.split("\n")[0]).toBe("### ✅ go test: 1 passed, 1 skipped · 1 package · coverage 81.3% · 1.50 s");
    expect(markdown).toContain("| `example.com/svc` | ✅ pass | 1 | 0 | 1 | 81.3% | 1.50 s |");
    expect(markdown).not.toContain("Failures");
  });

  it("shows a failing test from the go-junit-report stream with its output in a fenced block", () => {
    const markdown = testSummaryMarkdown(parseTestJson(fixture("gojunit-101-fail.gojson.txt")));
    expect(markdown.split("\n")[0]).toBe("### ❌ go test: 1 failed, 1 passed · 1 of 1 package failed · 0.00 s");
    expect(markdown).toContain("| `package/name/fail` | ❌ fail | 1 | 1 | 0 |  | 0.00 s |");
    expect(markdown).toContain(
      "#### ❌ `TestOne` in `package/name/fail` (0.00 s)\n\n```text\n    main_test.go:6: Error message\n    main_test.go:7: Longer\n        error\n        message.\n```",
    );
  });

  it("shows the compiler errors of a package that did not build", () => {
    const markdown = testSummaryMarkdown(parseTestJson(fixture("gotestsum-go-test-build-failed.out")));
    expect(markdown.split("\n")[0]).toBe("### ❌ go test: 0 passed · 1 of 1 package failed (1 did not build) · 0.00 s");
    expect(markdown).toContain("| ❌ build failed |");
    expect(markdown).toContain("#### ❌ `example.com/internal/cacher` did not build\n\n```text\n# example.com/internal/cacher");
    expect(markdown).toContain("undefined: assert.foo\n```");
  });

  it("leaves out a parent that only failed through its subtest, but not the subtest", () => {
    const markdown = testSummaryMarkdown(report([test("TestParent", "fail"), test("TestParent/bad", "fail", "    x_test.go:3: want 1\n")]));
    expect(markdown).not.toContain("`TestParent` in");
    expect(markdown).toContain("`TestParent/bad` in");
  });

  it("fences output that itself contains backticks with a longer fence", () => {
    const markdown = testSummaryMarkdown(report([test("TestMarkdown", "fail", "want:\n```go\nx := 1\n```\n")]));
    expect(markdown).toContain("````text\nwant:\n```go\nx := 1\n```\n````");
  });

  it("caps the failures at the total size and says how many it left out", () => {
    const tests = Array.from({ length: 200 }, (_, i) => test(`TestMany${i}`, "fail", `${"e".repeat(70)}\n`.repeat(40)));
    const markdown = testSummaryMarkdown(report(tests), undefined, { totalChars: 30_000 });
    expect(markdown.length).toBeLessThanOrEqual(30_000);
    const shown = (markdown.match(/^#### ❌ `TestMany/gm) ?? []).length;
    expect(shown).toBeGreaterThan(5);
    expect(markdown).toContain(`_${200 - shown} more failures not shown: this summary stops at 30,000 characters (GitHub's job summary limit is 1 MiB).`);
  });

  it("stays under GitHub's 1 MiB job summary limit with the default limits", () => {
    const tests = Array.from({ length: 5_000 }, (_, i) => test(`TestHuge${i}`, "fail", "💥 ".repeat(3000)));
    const markdown = testSummaryMarkdown(report(tests));
    expect(Buffer.byteLength(markdown)).toBeLessThan(1024 * 1024);
    expect(markdown).toMatch(/more failures not shown/);
  });

  it("shows the first rows of a long package table and says how many it left out", () => {
    const packages: PackageResult[] = Array.from({ length: 12 }, (_, i) => ({
      importPath: `example.com/p${i}`,
      status: i === 11 ? "fail" : "pass",
      elapsed: 0,
      buildFailed: false,
      output: i === 11 ? "exit status 3\n" : "",
      tests: [],
    }));
    const markdown = testSummaryMarkdown({ packages, totals: countTotals(packages), elapsed: 0, strayOutput: "" }, undefined, { packageRows: 5 });
    const rows = markdown.split("\n").filter((l) => l.startsWith("| `example.com/p"));
    expect(rows).toHaveLength(5);
    expect(rows[0]).toContain("`example.com/p11` | ❌ fail");
    expect(markdown).toContain("_7 more packages not shown._");
    expect(markdown).toContain("#### ❌ `example.com/p11` failed outside any test\n\n```text\nexit status 3\n```");
  });

  it("explains a run where no package reported, with what go printed", () => {
    const markdown = testSummaryMarkdown(parseTestJson("go: cannot find main module\n"));
    expect(markdown).toContain("### ❌ go test: no package reported a result");
    expect(markdown).toContain("#### Output outside go test's events\n\n```text\ngo: cannot find main module\n```");
  });
});

describe("outputExcerpt", () => {
  const lines = Array.from({ length: 100 }, (_, i) => `line ${i + 1}`).join("\n");

  it("keeps short output whole, without the blank lines around it", () => {
    expect(outputExcerpt("\n\n    x_test.go:1: boom\n\n", 40, 4000)).toBe("    x_test.go:1: boom");
  });

  it("keeps the first and last lines of long output and says how many lines it cut", () => {
    const excerpt = outputExcerpt(lines, 8, 4000).split("\n");
    expect(excerpt).toEqual(["line 1", "line 2", "line 3", "line 4", "line 5", "line 6", "[… 92 lines cut …]", "line 99", "line 100"]);
  });

  it("cuts characters from one very long line and says how many", () => {
    const excerpt = outputExcerpt("a".repeat(300) + "z".repeat(300), 40, 100);
    expect(excerpt).toBe(`${"a".repeat(75)}\n[… 500 characters cut …]\n${"z".repeat(25)}`);
  });
});

describe("testSummaryMarkdown with HTML in names and output", () => {
  it("shows names only in code spans and output only in fences, where Markdown renders no HTML", () => {
    const md = testSummaryMarkdown(report([test("Test<img src=x onerror=alert(1)>", "fail", "<script>alert(1)</script>\n")], { status: "fail" }));
    const outsideCode = md.replace(/(`+)[^`]*?\1/g, "").replace(/^```text\n[\s\S]*?\n```$/gm, "");
    expect(outsideCode).not.toMatch(/<img|<script/);
    expect(md).toContain("`Test<img src=x onerror=alert(1)>`");
    expect(md).toContain("```text\n<script>alert(1)</script>\n```");
  });
});
