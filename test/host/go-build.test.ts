// Runs the core's exact build argv with this machine's real go on examples/hello-api.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { describe, expect, it } from "vitest";

import { planBuild } from "../../core/go/build-plan.js";
import { parseGoMod } from "../../core/go/gomod.js";
import { readElf } from "../support/elf.js";
import { runArgv } from "../support/run.js";

const example = fileURLToPath(new URL("../../examples/hello-api", import.meta.url));
const mod = parseGoMod(readFileSync(join(example, "go.mod"), "utf8"));

describe("go build with the core's argv (real go)", () => {
  const outputDir = mkdtempSync(join(tmpdir(), "gantry-dist-"));
  const plan = planBuild({
    module: mod,
    pkg: ".",
    platforms: ["linux/amd64", "linux/arm64", "linux/arm/v7"],
    nativePlatform: "linux/amd64",
    version: "1.2.3",
    commit: "0123456789abcdef0123456789abcdef01234567",
    date: "2026-11-22T00:00:00Z",
    outputDir,
  });

  it("cross-compiles every platform natively", async () => {
    for (const step of plan.steps) {
      const res = await runArgv(step.argv, { cwd: example, env: step.env });
      expect(res.stderr, step.platform).toBe("");
      expect(res.status, step.platform).toBe(0);
    }
    expect(plan.steps.map((s) => readElf(join(outputDir, s.output)).arch)).toEqual(["amd64", "arm64", "arm"]);
  });

  it("produces static binaries", () => {
    for (const step of plan.steps) expect(readElf(join(outputDir, step.output)).static, step.output).toBe(true);
  });

  it("stamps version, commit and date that --version prints", () => {
    const out = execFileSync(join(outputDir, "hello-api_linux_amd64"), ["--version"], { encoding: "utf8" });
    expect(out.trim()).toBe("hello-api 1.2.3 (commit 0123456789abcdef0123456789abcdef01234567, built 2026-11-22T00:00:00Z)");
  });

  it("is reproducible: the same plan builds byte-identical binaries", async () => {
    const again = mkdtempSync(join(tmpdir(), "gantry-dist-again-"));
    const step = planBuild({ module: mod, pkg: ".", platforms: ["linux/arm64"], nativePlatform: "linux/amd64", version: "1.2.3", outputDir: again }).steps[0]!;
    const first = planBuild({ module: mod, pkg: ".", platforms: ["linux/arm64"], nativePlatform: "linux/amd64", version: "1.2.3", outputDir }).steps[0]!;
    for (const s of [first, step]) expect((await runArgv(s.argv, { cwd: example, env: s.env })).status).toBe(0);
    expect(readFileSync(join(again, step.output)).equals(readFileSync(join(outputDir, first.output)))).toBe(true);
  });
});
