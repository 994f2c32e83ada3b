// Every `dagger call` that the engine tests, README and the CI files run, checked against the
// introspected API: constructor flags before the function, every function and flag known where it is
// used. Catches `build --version 1.2.3` (a constructor flag after the function) without an engine.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { beforeAll, describe, expect, it } from "vitest";

import { engineTestCalls, shellCalls, shellWords, type CommandLine } from "./command-lines.js";
import { coreApi } from "./core-api.js";
import { checkDaggerCall } from "./dagger-argv.js";
import { introspect, type ModuleTypes } from "./introspect.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
let mod: ModuleTypes;
beforeAll(async () => {
  mod = await introspect();
}, 120_000);

function problems(calls: CommandLine[]): string[] {
  return calls.flatMap((c) => checkDaggerCall(c.words, mod, coreApi()).map((p) => `${c.where}: dagger call ${c.words.join(" ")}\n  ${p}`));
}

function ciFiles(): string[] {
  const workflows = join(root, ".github/workflows");
  return [...readdirSync(workflows).map((f) => join(workflows, f)), join(root, ".gitlab-ci.yml")];
}

describe("dagger call command lines", () => {
  it("splits shell words as the shell would for the forms we write", () => {
    expect(shellWords(`call --ref "$GITHUB_REF" --x '$(a b)' $(git log -1 --format=%ct) test >> "$GITHUB_STEP_SUMMARY"`)).toEqual([
      "call", "--ref", "$GITHUB_REF", "--x", "$(a b)", "$(git log -1 --format=%ct)", "test",
    ]);
  });

  it("flags a constructor flag given after the function, an unknown function and a missing required flag", () => {
    expect(checkDaggerCall(["build", "--version", "1.2.3"], mod, coreApi()).join("\n")).toMatch(/--version is not a flag of Gantry\.build \(constructor flags go before/);
    expect(checkDaggerCall(["biuld"], mod, coreApi()).join("\n")).toMatch(/unknown function "biuld"/);
    expect(checkDaggerCall(["build", "export"], mod, coreApi()).join("\n")).toMatch(/Directory\.export needs --path/);
    expect(checkDaggerCall(["build", "export", "--path", "dist"], mod, coreApi())).toEqual([]);
  });

  it("finds the engine tests' calls", () => {
    expect(engineTestCalls(join(root, "test/engine"), root).length).toBeGreaterThan(5);
  });

  it("accepts every call in the engine tests", () => {
    expect(problems(engineTestCalls(join(root, "test/engine"), root))).toEqual([]);
  });

  it("accepts every call in README", () => {
    const calls = shellCalls(readFileSync(join(root, "README.md"), "utf8"), "README.md");
    expect(calls.length).toBeGreaterThan(3);
    expect(problems(calls)).toEqual([]);
  });

  it("accepts every call in the CI files", () => {
    const calls = ciFiles().flatMap((f) => shellCalls(readFileSync(f, "utf8"), f.slice(root.length)));
    expect(calls.length).toBeGreaterThan(3);
    expect(problems(calls)).toEqual([]);
  });
});
