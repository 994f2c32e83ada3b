import { dag, type Directory } from "@dagger.io/dagger";

import { planBuild, type BuildPlan, type BuildRequest } from "../core/go/build-plan.js";
import { normalizePackage } from "../core/go/env.js";
import { checkMainPackage, goContainer, readGoMod, withEnv, type GoToolchainConfig } from "./go-toolchain.js";

export type BinaryRequest = Omit<BuildRequest, "module" | "nativePlatform" | keyof GoToolchainConfig | "cgo" | "goprivate">;

/**
 * Cross-compiles one binary per platform. Each platform is its own branch off the same prepared
 * container, so the engine runs them in parallel, natively (GOOS/GOARCH, never emulation).
 */
export async function buildBinaries(config: GoToolchainConfig, request: BinaryRequest): Promise<{ plan: BuildPlan; dist: Directory }> {
  const mod = await readGoMod(config.source);
  const nativePlatform = await dag.defaultPlatform();
  const plan = planBuild({
    ...request,
    platforms: request.platforms.length > 0 ? request.platforms : [nativePlatform],
    module: mod,
    nativePlatform,
    cgo: config.cgo,
    goprivate: config.goprivate,
  });
  await checkMainPackage(config.source, normalizePackage(request.pkg, "pkg"));
  const base = goContainer(config, mod, await config.source.exists("go.sum"));
  let dist = dag.directory();
  for (const step of plan.steps) {
    const built = withEnv(base, step.env).withExec(step.argv);
    dist = dist.withFile(step.output, built.file(`${plan.outputDir}/${step.output}`));
  }
  return { plan, dist };
}
