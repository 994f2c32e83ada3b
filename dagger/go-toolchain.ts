import { dag, type Container, type Directory } from "@dagger.io/dagger";

import { GO_BUILD_CACHE_PATH, GO_MODULE_CACHE_PATH, goEnv } from "../core/go/env.js";
import { requireGoFiles, requireMainPackage } from "../core/go/main-package.js";
import type { GoToolchain } from "../core/pipeline/go-settings.js";
import { secretUri } from "../core/pipeline/secret-reference.js";
import { toolImageContainer, withToolSecret } from "./tool.js";

const SOURCE_PATH = "/src";

/** Checks that `pkg` (already normalised, "." or "./cmd/x") is a main package of the module. */
export async function checkMainPackage(module: Directory, pkg: string): Promise<void> {
  const dir = pkg === "." ? "" : `${pkg.slice(2)}/`;
  const files = await module.glob(`${dir}*.go`);
  requireGoFiles(pkg, files);
  const first = files.find((f) => !f.endsWith("_test.go"))!;
  requireMainPackage(pkg, first, await module.file(first).contents());
}

/**
 * A golang container with the module at /src and the caches mounted. Modules are downloaded in a
 * step that sees only go.mod and go.sum, so editing code does not invalidate it; a module without
 * go.sum requires nothing, and skips that step.
 */
export async function goContainer(toolchain: GoToolchain, module: Directory): Promise<Container> {
  let ctr = toolImageContainer("go", toolchain.image);
  if (toolchain.caches) {
    ctr = ctr
      .withMountedCache(GO_MODULE_CACHE_PATH, dag.cacheVolume(toolchain.caches.module))
      .withMountedCache(GO_BUILD_CACHE_PATH, dag.cacheVolume(toolchain.caches.build));
  }
  if (toolchain.netrc) ctr = withToolSecret(ctr, "go", "/root/.netrc", dag.secret(secretUri(toolchain.netrc)));
  ctr = withEnv(ctr, goEnv(toolchain.env)).withWorkdir(SOURCE_PATH);
  if (await module.exists("go.sum")) {
    ctr = ctr
      .withFile(`${SOURCE_PATH}/go.mod`, module.file("go.mod"))
      .withFile(`${SOURCE_PATH}/go.sum`, module.file("go.sum"))
      .withExec(["go", "mod", "download"]);
  }
  return ctr.withDirectory(SOURCE_PATH, module);
}

export function withEnv(ctr: Container, env: Record<string, string>): Container {
  return Object.entries(env).reduce((c, [k, v]) => c.withEnvVariable(k, v), ctr);
}
