// Every `dagger call` that the engine tests, README and the CI files run, checked against the
// introspected API: constructor flags before the function, every function and flag known where it is
// used. Catches `build --version 1.2.3` (a constructor flag after the function) without an engine.
// A call with `-m test/engine/module` is checked against the engine test module's API.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { beforeAll, describe, expect, it } from "vitest";

import { engineTestCalls, shellCalls, shellWords, type CommandLine } from "./command-lines.js";
import { coreApi } from "./core-api.js";
import { checkDaggerCall } from "./dagger-argv.js";
import { ENGINE_TEST_MODULE, introspect, type ModuleTypes } from "./introspect.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
let mod: ModuleTypes;
let engineTests: ModuleTypes;
beforeAll(async () => {
  [mod, engineTests] = await Promise.all([introspect(), introspect(ENGINE_TEST_MODULE)]);
}, 120_000);

const ENGINE_TEST_MODULE_PATH = ENGINE_TEST_MODULE.srcDir.replace(/\/src$/, "");

/** The API a call runs against: the engine test module's for -m test/engine/module, else Gantry's (local or remote). */
function apiOf(call: CommandLine): { api: ModuleTypes; mainObject: string } {
  const module = call.module?.replace(/^\.\//, "").replace(/\/$/, "");
  return module === ENGINE_TEST_MODULE_PATH ? { api: engineTests, mainObject: "EngineTests" } : { api: mod, mainObject: "Gantry" };
}

function problems(calls: CommandLine[]): string[] {
  return calls.flatMap((c) => {
    const { api, mainObject } = apiOf(c);
    return checkDaggerCall(c.words, api, coreApi(), mainObject).map((p) => `${c.where}: dagger call ${c.words.join(" ")}\n  ${p}`);
  });
}

function ciFiles(): string[] {
  const workflows = join(root, ".github/workflows");
  return [...readdirSync(workflows).map((f) => join(workflows, f)), join(root, ".gitlab-ci.yml")];
}

describe("dagger call command lines", () => {
  it("splits shell words as the shell would for the forms we write", () => {
    expect(shellWords(`call --ref "$GITHUB_REF" --x '$(a b)' $(git log -1 --format=%ct) test >> "$GITHUB_STEP_SUMMARY"`)).toEqual([
      "call",
      "--ref",
      "$GITHUB_REF",
      "--x",
      "$(a b)",
      "$(git log -1 --format=%ct)",
      "test",
    ]);
  });

  it("flags a constructor flag given after the function, an unknown function and a missing required flag", () => {
    expect(checkDaggerCall(["build", "--version", "1.2.3"], mod, coreApi()).join("\n")).toMatch(
      /--version is not a flag of Gantry\.build \(constructor flags go before/,
    );
    expect(checkDaggerCall(["biuld"], mod, coreApi()).join("\n")).toMatch(/unknown function "biuld"/);
    expect(checkDaggerCall(["build", "export"], mod, coreApi()).join("\n")).toMatch(/Directory\.export needs --path/);
    expect(checkDaggerCall(["build", "export", "--path", "dist"], mod, coreApi())).toEqual([]);
  });

  it("finds the engine tests' calls", () => {
    expect(engineTestCalls(join(root, "test/engine"), root).length).toBeGreaterThan(5);
  });

  it("checks a call with -m test/engine/module against the engine test module, and notes the module given", () => {
    const [call] = shellCalls("dagger call -m test/engine/module --progress=plain all", "x");
    expect(call).toMatchObject({ module: "test/engine/module", words: ["all"] });
    expect(problems([call!])).toEqual([]);
    expect(problems(shellCalls("dagger call -m ./test/engine/module biuld", "x")).join("\n")).toMatch(/unknown function "biuld" on EngineTests/);
    expect(problems(shellCalls("dagger call -m test/engine/module build", "x")).join("\n")).toMatch(/unknown function "build" on EngineTests/);
    expect(
      engineTestCalls(join(root, "test/engine"), root)
        .filter((c) => c.module === "test/engine/module")
        .map((c) => c.words),
    ).toContainEqual(["all"]);
  });

  it("accepts every example in the engine test module's doc comments", () => {
    const functions = Object.values(engineTests.objects.EngineTests!.methods);
    const calls = functions.flatMap((f) => shellCalls(f.description, `EngineTests.${f.name}`));
    expect(calls.map((c) => c.words[0])).toEqual(functions.map((f) => f.name));
    expect(problems(calls)).toEqual([]);
  });

  it("accepts every call in the engine tests", () => {
    expect(problems(engineTestCalls(join(root, "test/engine"), root))).toEqual([]);
  });

  it("accepts every call in README", () => {
    const calls = shellCalls(readFileSync(join(root, "README.md"), "utf8"), "README.md");
    expect(calls.length).toBeGreaterThan(3);
    expect(problems(calls)).toEqual([]);
  });

  it("accepts every call in the engine test module's README", () => {
    const calls = shellCalls(readFileSync(join(root, ENGINE_TEST_MODULE_PATH, "README.md"), "utf8"), `${ENGINE_TEST_MODULE_PATH}/README.md`);
    expect(calls.filter((c) => c.module === ENGINE_TEST_MODULE_PATH).length).toBeGreaterThan(1);
    expect(problems(calls)).toEqual([]);
  });

  it("accepts every call in the CI files", () => {
    const calls = ciFiles().flatMap((f) => shellCalls(readFileSync(f, "utf8"), f.slice(root.length)));
    expect(calls.length).toBeGreaterThan(3);
    expect(problems(calls)).toEqual([]);
  });
});
