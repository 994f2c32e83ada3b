import { dag, type Directory } from "@dagger.io/dagger";

import { planBuild, type BuildPlan } from "../core/go/build-plan.js";
import { normalizePackage } from "../core/go/env.js";
import type { StageContext } from "./context.js";
import { checkMainPackage, goContainer, withEnv } from "./go-toolchain.js";

/** Reads the engine's platform, checks the main package, and plans the build; runs nothing. */
export async function planBinaries(ctx: StageContext, platforms: string[]): Promise<BuildPlan> {
  const { go } = ctx.pipeline;
  const plan = planBuild({
    module: ctx.mod,
    pkg: go.pkg,
    platforms,
    nativePlatform: await dag.defaultPlatform(),
    name: ctx.pipeline.name,
    version: ctx.release.version,
    commit: ctx.release.commit,
    date: ctx.release.date,
    stampPackage: go.stampPackage,
    values: go.values,
    ldflags: go.ldflags,
    tags: go.buildTags,
    ...ctx.toolchain.env,
  });
  await checkMainPackage(ctx.module, normalizePackage(go.pkg, "pkg"));
  return plan;
}

/**
 * Cross-compiles one binary per platform. Each platform is its own branch off the same prepared
 * container, so the engine runs them in parallel, natively (GOOS/GOARCH, never emulation).
 */
export async function buildBinaries(ctx: StageContext, platforms: string[]): Promise<{ plan: BuildPlan; dist: Directory }> {
  const plan = await planBinaries(ctx, platforms);
  const base = await goContainer(ctx.toolchain, ctx.module);
  let dist = dag.directory();
  for (const step of plan.steps) {
    const built = withEnv(base, step.env).withExec(step.argv);
    dist = dist.withFile(step.output, built.file(`${plan.outputDir}/${step.output}`));
  }
  return { plan, dist };
}
