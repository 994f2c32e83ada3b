import { dag, type Directory } from "@dagger.io/dagger";

import { planBuild, type BuildPlan } from "../core/go/build-plan.js";
import { normalizePackage } from "../core/go/env.js";
import type { GoMod } from "../core/go/gomod.js";
import { resolveRelease } from "../core/release.js";
import { checkMainPackage, goContainer, readGoMod, withEnv } from "./go-toolchain.js";
import type { Gantry } from "../index.js";

/** Reads go.mod and the engine's platform, checks the main package, and plans the build; runs nothing. */
export async function planBinaries(s: Gantry, platforms: string[]): Promise<{ plan: BuildPlan; mod: GoMod }> {
  const mod = await readGoMod(s.source);
  const nativePlatform = await dag.defaultPlatform();
  const release = resolveRelease(s);
  const plan = planBuild({
    module: mod,
    pkg: s.pkg,
    platforms: platforms.length > 0 ? platforms : [nativePlatform],
    nativePlatform,
    name: s.name,
    version: release.version,
    commit: release.commit,
    date: release.date,
    stampPackage: s.stampPackage,
    values: s.values,
    ldflags: s.ldflags,
    tags: s.buildTags,
    cgo: s.cgo,
    goprivate: s.goprivate,
  });
  await checkMainPackage(s.source, normalizePackage(s.pkg, "pkg"));
  return { plan, mod };
}

/**
 * Cross-compiles one binary per platform. Each platform is its own branch off the same prepared
 * container, so the engine runs them in parallel, natively (GOOS/GOARCH, never emulation).
 */
export async function buildBinaries(s: Gantry, platforms: string[]): Promise<{ plan: BuildPlan; dist: Directory }> {
  const { plan, mod } = await planBinaries(s, platforms);
  const base = goContainer(s, mod, await s.source.exists("go.sum"));
  let dist = dag.directory();
  for (const step of plan.steps) {
    const built = withEnv(base, step.env).withExec(step.argv);
    dist = dist.withFile(step.output, built.file(`${plan.outputDir}/${step.output}`));
  }
  return { plan, dist };
}
