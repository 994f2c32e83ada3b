// Engine tests call the module through the real Dagger CLI and engine. This machine and the
// project's CI host have neither, so there they skip, saying why; GitHub Actions sets
// GANTRY_REQUIRE_ENGINE=1 so that a missing engine fails the job instead of skipping.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

import { runArgv, type Ran } from "../support/run.js";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
export const exampleDir = fileURLToPath(new URL("../../examples/hello-api", import.meta.url));

function unavailableReason(): string | undefined {
  const cli = spawnSync("dagger", ["version"], { encoding: "utf8" });
  if (cli.error) return "no dagger CLI on PATH (engine tests run in GitHub Actions, .github/workflows/ci.yml)";
  if (!process.env._EXPERIMENTAL_DAGGER_RUNNER_HOST) {
    const docker = spawnSync("docker", ["info"], { encoding: "utf8" });
    if (docker.error || docker.status !== 0) return "no container runtime for the Dagger engine (docker info failed)";
  }
  return undefined;
}

export const skipReason = unavailableReason();
if (skipReason && process.env.GANTRY_REQUIRE_ENGINE === "1") {
  throw new Error(`GANTRY_REQUIRE_ENGINE=1 but the engine is unavailable: ${skipReason}`);
}

/** A describe() title that carries the skip reason into the test report. */
export function engineSuite(name: string): string {
  if (skipReason) console.warn(`[engine tests skipped] ${name}: ${skipReason}`);
  return skipReason ? `${name} (skipped: ${skipReason})` : name;
}

/**
 * One `dagger call` on a cold CI runner: the runtime's first npm install, the golang, Trivy and
 * tool images pulled, Go modules downloaded, Trivy's DB fetched. A warm engine took 74 s for the
 * slowest (the example's tests), so the limit is set by what a cold runner needs, not a warm one.
 */
export const ENGINE_CALL_TIMEOUT_MS = 20 * 60_000;
/** Each engine test: up to two cold calls (a report, then its check). */
export const ENGINE_SUITE = { timeout: 2 * ENGINE_CALL_TIMEOUT_MS };

/** `dagger call -m <repo> ...`; returns the process result without throwing. */
export function daggerCall(args: string[], timeoutMs = ENGINE_CALL_TIMEOUT_MS): Promise<Ran> {
  return runArgv(["dagger", "call", "-m", repoRoot, "--progress=plain", ...args], { cwd: repoRoot, timeoutMs });
}

/** The engine test module, which depends on the repository's Gantry (test/engine/module/README.md). */
export const ENGINE_TEST_MODULE = "test/engine/module";

/** `dagger call -m test/engine/module ...` from the repository root; returns the process result without throwing. */
export function engineModuleCall(args: string[], timeoutMs = ENGINE_CALL_TIMEOUT_MS): Promise<Ran> {
  return runArgv(["dagger", "call", "-m", ENGINE_TEST_MODULE, "--progress=plain", ...args], { cwd: repoRoot, timeoutMs });
}

export async function daggerCallOk(args: string[]): Promise<string> {
  const res = await daggerCall(args);
  if (res.status !== 0) throw new Error(`dagger call ${args.join(" ")} failed (${res.status}):\n${res.stderr}`);
  return res.stdout.trim();
}
