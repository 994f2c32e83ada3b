import { dag, type Container, type Directory } from "@dagger.io/dagger";

import { defaultGoImage, parseGoMod, resolveGoVersion, type GoMod } from "../core/go/gomod.js";
import {
  GO_BUILD_CACHE_NAME,
  GO_BUILD_CACHE_PATH,
  GO_MODULE_CACHE_NAME,
  GO_MODULE_CACHE_PATH,
  goEnv,
} from "../core/go/env.js";
import { requireGoFiles, requireGoMod, requireMainPackage } from "../core/go/main-package.js";
import type { Gantry } from "../index.js";

const SOURCE_PATH = "/src";

/** Reads and checks go.mod from the source; fails before any container runs. */
export async function readGoMod(source: Directory): Promise<GoMod> {
  requireGoMod(await source.entries());
  return parseGoMod(await source.file("go.mod").contents());
}

/** Checks that `pkg` (already normalised, "." or "./cmd/x") is a main package of the source. */
export async function checkMainPackage(source: Directory, pkg: string): Promise<void> {
  const dir = pkg === "." ? "" : `${pkg.slice(2)}/`;
  const files = await source.glob(`${dir}*.go`);
  requireGoFiles(pkg, files);
  const first = files.find((f) => !f.endsWith("_test.go"))!;
  requireMainPackage(pkg, first, await source.file(first).contents());
}

/**
 * A golang container with the source at /src, caches mounted and modules downloaded. The download
 * step sees only go.mod and go.sum, so editing code does not invalidate it.
 */
export function goContainer(config: Gantry, mod: GoMod, hasGoSum: boolean): Container {
  let ctr = dag.container().from(goImage(config, mod));
  if (!config.noCache) {
    ctr = ctr
      .withMountedCache(GO_MODULE_CACHE_PATH, config.moduleCache ?? dag.cacheVolume(GO_MODULE_CACHE_NAME))
      .withMountedCache(GO_BUILD_CACHE_PATH, config.buildCache ?? dag.cacheVolume(GO_BUILD_CACHE_NAME));
  }
  if (config.netrc) ctr = ctr.withMountedSecret("/root/.netrc", config.netrc);
  ctr = withEnv(ctr, goEnv(config)).withWorkdir(SOURCE_PATH);
  const modFiles = hasGoSum ? ["go.mod", "go.sum"] : ["go.mod"];
  for (const name of modFiles) ctr = ctr.withFile(`${SOURCE_PATH}/${name}`, config.source.file(name));
  return ctr.withExec(["go", "mod", "download"]).withDirectory(SOURCE_PATH, config.source);
}

/** The toolchain image: the one the user named, else golang:<version from go.mod or --go-version>. */
export function goImage(config: Gantry, mod: GoMod): string {
  return config.goImage || defaultGoImage(resolveGoVersion(mod, config.goVersion));
}

export function withEnv(ctr: Container, env: Record<string, string>): Container {
  return Object.entries(env).reduce((c, [k, v]) => c.withEnvVariable(k, v), ctr);
}
