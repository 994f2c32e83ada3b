import { dag, type Container, type Directory, type Platform } from "@dagger.io/dagger";

import { planServiceImage } from "../core/image/image-request.js";
import type { ImagePlan, PlatformImage } from "../core/image/plan.js";
import type { StageContext } from "./context.js";
import { buildBinaries } from "./go-build.js";

export interface ServiceImages {
  plan: ImagePlan;
  /** One container per platform of the plan, in the plan's order. */
  variants: Container[];
}

/** Builds the binaries for `platforms` and assembles one runtime container per platform. */
export async function serviceImages(ctx: StageContext, platforms: string[]): Promise<ServiceImages> {
  const { plan: build, dist } = await buildBinaries(ctx, platforms);
  const plan = planServiceImage({ ...ctx.pipeline.image, name: build.name }, ctx.release, build.steps.map((st) => st.platform), platforms);
  const builder = dag.container().from(ctx.toolchain.image);
  return { plan, variants: plan.platforms.map((p) => assemble(plan, p, dist, builder)) };
}

/**
 * The runtime stage: the base, then one layer holding the binary and what the base lacks, with
 * every timestamp set to the commit time so that a rebuild of the same commit has the same digest.
 */
function assemble(plan: ImagePlan, target: PlatformImage, dist: Directory, builder: Container): Container {
  let layer = dag.directory().withFile(plan.binaryPath.slice(1), dist.file(target.binaryFile), { permissions: 0o755 });
  for (const file of plan.rootfs.files) layer = layer.withNewFile(file.path.slice(1), file.contents, { permissions: file.mode });
  for (const { path, directory } of plan.rootfs.fromBuilder) {
    layer = directory ? layer.withDirectory(path.slice(1), builder.directory(path)) : layer.withFile(path.slice(1), builder.file(path));
  }
  layer = layer.withTimestamps(plan.sourceDateEpoch ?? 0);

  const platform = target.platform as Platform;
  let ctr = plan.base.kind === "scratch" ? dag.container({ platform }) : dag.container({ platform }).from(plan.base.ref);
  ctr = ctr.withDirectory("/", layer);
  for (const dir of plan.rootfs.directories) {
    ctr = ctr.withDirectory(dir.path, dag.directory().withTimestamps(plan.sourceDateEpoch ?? 0), { owner: dir.owner, permissions: dir.mode });
  }
  for (const [key, value] of Object.entries(plan.env)) ctr = ctr.withEnvVariable(key, value);
  for (const [key, value] of Object.entries(plan.labels)) ctr = ctr.withLabel(key, value);
  for (const [key, value] of Object.entries(plan.annotations)) ctr = ctr.withAnnotation(key, value);
  return ctr
    .withUser(plan.user)
    .withWorkdir(plan.workdir)
    .withExposedPort(plan.exposedPort)
    .withEntrypoint(plan.entrypoint)
    .withDefaultArgs(plan.defaultArgs);
}
