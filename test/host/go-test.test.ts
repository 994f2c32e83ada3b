// Runs the core's exact go test argv with this machine's real go, then the core's parsers on
// what it printed: the same path the TestReport object takes inside the engine.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { describe, expect, it } from "vitest";

import { parseCoverProfile } from "../../core/go/coverage.js";
import { testReportToJUnit } from "../../core/go/test-junit.js";
import { failureMessage, suitePassed } from "../../core/go/test-outcome.js";
import { planTest } from "../../core/go/test-plan.js";
import { parseTestJson } from "../../core/go/test2json.js";
import { runArgv } from "../support/run.js";

const example = fileURLToPath(new URL("../../examples/hello-api", import.meta.url));

async function runSuite(source: string, extra: Partial<Parameters<typeof planTest>[0]> = {}) {
  const outputDir = mkdtempSync(join(tmpdir(), "gantry-test-"));
  const plan = planTest({ packages: ["./..."], timeout: "5m", count: 1, outputDir, ...extra });
  const ran = await runArgv(plan.argv, { cwd: source, env: plan.env });
  writeFileSync(plan.eventsPath, ran.stdout);
  const report = parseTestJson(readFileSync(plan.eventsPath, "utf8"));
  const coverage = plan.coverprofilePath ? parseCoverProfile(readFileSync(plan.coverprofilePath, "utf8"), "coverage.out") : undefined;
  return { ran, report, coverage };
}

function copyExample(): string {
  const dir = mkdtempSync(join(tmpdir(), "gantry-src-"));
  cpSync(example, dir, { recursive: true });
  return dir;
}

describe("go test with the core's argv (real go)", () => {
  it("passes on the example, with per-package results and coverage", async () => {
    const { ran, report, coverage } = await runSuite(example);
    expect(ran.status).toBe(0);
    expect(suitePassed(report, ran.status)).toBe(true);
    expect(report.totals.failed).toBe(0);
    expect(report.totals.passed).toBeGreaterThan(5);
    expect(report.packages.map((p) => p.importPath)).toContain("github.com/gantry-ci/gantry/examples/hello-api/internal/server");
    expect(coverage!.statements).toBeGreaterThan(0);
    expect(coverage!.percent).toBeGreaterThan(30);
  });

  it("reports a deliberately failing test in the report and the JUnit", async () => {
    const src = copyExample();
    writeFileSync(
      join(src, "internal/server/zz_fail_test.go"),
      `package server\n\nimport "testing"\n\nfunc TestGantryDeliberateFailure(t *testing.T) {\n\tt.Log("about to fail")\n\tt.Fatalf("want %d, got %d", 1, 2)\n}\n`,
    );
    const { ran, report } = await runSuite(src);
    expect(ran.status).toBe(1);
    expect(suitePassed(report, ran.status)).toBe(false);
    expect(report.totals.failed).toBe(1);
    const failed = report.packages.flatMap((p) => p.tests).find((t) => t.status === "fail")!;
    expect(failed.name).toBe("TestGantryDeliberateFailure");
    expect(failed.output).toContain("want 1, got 2");
    const junit = testReportToJUnit(report);
    expect(junit).toMatch(
      /<testcase name="TestGantryDeliberateFailure" classname="github.com\/gantry-ci\/gantry\/examples\/hello-api\/internal\/server"[^>]*>\s*<failure/,
    );
    expect(failureMessage(report, ran.status)).toContain("FAIL github.com/gantry-ci/gantry/examples/hello-api/internal/server.TestGantryDeliberateFailure");
  });

  it("reports a package that does not compile as a failed build", async () => {
    const src = copyExample();
    writeFileSync(join(src, "internal/server/zz_broken.go"), 'package server\n\nfunc broken() int { return "not an int" }\n');
    const { ran, report } = await runSuite(src, { cover: false });
    expect(ran.status).not.toBe(0);
    const pkg = report.packages.find((p) => p.importPath.endsWith("internal/server"))!;
    expect(pkg.buildFailed).toBe(true);
    expect(pkg.output).toContain("zz_broken.go");
    expect(suitePassed(report, ran.status)).toBe(false);
    expect(testReportToJUnit(report)).toContain("<failure");
  });

  it("runs only what -run selects", async () => {
    const { report } = await runSuite(example, { run: "^$", cover: false });
    expect(report.totals.tests).toBe(0);
  });
});
