import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { daggerCall, daggerCallOk, ENGINE_SUITE, engineSuite, exampleDir, skipReason } from "./engine.js";

// With no --source, functions read the repository the module lives in: pipelines/gantry.yaml there
// points at examples/hello-api.
describe.skipIf(skipReason)(engineSuite("engine: build and test examples/hello-api"), ENGINE_SUITE, () => {
  it("cross-compiles linux/amd64 and linux/arm64 with the version stamped", async () => {
    const out = mkdtempSync(join(tmpdir(), "gantry-build-"));
    // Constructor flags (the release) go before the function name.
    await daggerCallOk([
      "--version",
      "1.2.3",
      "--commit",
      "abc1234",
      "build",
      "--platforms",
      "linux/amd64",
      "--platforms",
      "linux/arm64",
      "export",
      "--path",
      out,
    ]);
    expect(existsSync(join(out, "hello-api_linux_arm64"))).toBe(true);
    const version = execFileSync(join(out, "hello-api_linux_amd64"), ["--version"], { encoding: "utf8" });
    expect(version).toContain("hello-api 1.2.3 (commit abc1234");
  });

  it("tests the example and reports counts and coverage", async () => {
    expect(Number(await daggerCallOk(["test", "failed"]))).toBe(0);
    expect(Number(await daggerCallOk(["test", "passed"]))).toBeGreaterThan(5);
    expect(Number(await daggerCallOk(["test", "coverage"]))).toBeGreaterThan(30);
    expect((await daggerCall(["test", "check"])).status).toBe(0);
    expect((await daggerCall(["tests-pass"])).status).toBe(0);
  });

  it("keeps the reports of a failing suite and fails its check", async () => {
    const src = mkdtempSync(join(tmpdir(), "gantry-failing-"));
    cpSync(exampleDir, src, { recursive: true });
    writeFileSync(
      join(src, "zz_fail_test.go"),
      'package main\n\nimport "testing"\n\nfunc TestGantryDeliberateFailure(t *testing.T) { t.Fatal("deliberate") }\n',
    );
    const reports = join(src, "reports");
    await daggerCallOk(["test", "--source", src, "reports", "export", "--path", reports]);
    expect(readFileSync(join(reports, "junit.xml"), "utf8")).toContain('name="TestGantryDeliberateFailure"');
    // One rule for exported reports (core/tool-access.ts REPORT_MODES): the directory 0755, every file 0644.
    const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);
    expect(mode(reports)).toBe("755");
    for (const name of readdirSync(reports)) expect(`${name} ${mode(join(reports, name))}`).toBe(`${name} 644`);
    // The exported gate file carries the verdict, so a CI step judges it without another call.
    expect(readFileSync(join(reports, "gate.txt"), "utf8")).toMatch(/^failed\n[^]*TestGantryDeliberateFailure/);
    const check = await daggerCall(["tests-pass", "--source", src]);
    expect(check.status).not.toBe(0);
    expect(check.stderr).toContain("TestGantryDeliberateFailure");
  });

  it("fails before any container runs on a source without go.mod", async () => {
    const empty = mkdtempSync(join(tmpdir(), "gantry-empty-"));
    writeFileSync(join(empty, "README.md"), "not go\n");
    const res = await daggerCall(["build", "--source", empty]);
    expect(res.status).not.toBe(0);
    expect(res.stderr).toContain("--source: no go.mod");
  });
});
