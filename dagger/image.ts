import { dag, type Container, type Directory, type File, type Platform } from "@dagger.io/dagger";

import { planServiceImage } from "../core/image/image-request.js";
import { layoutTarballArgv } from "../core/image/oci/layer.js";
import type { ImagePlan, PlatformImage } from "../core/image/plan.js";
import type { StageContext } from "./context.js";
import { buildBinaries } from "./go-build.js";
import { ociLayout, type OciLayout } from "./oci-layout.js";
import { toolImageContainer, withToolDirectory } from "./tool.js";

export interface ServiceImages {
  plan: ImagePlan;
  /** One container per platform of the plan, in the plan's order. */
  variants: Container[];
}

/** Builds the binaries for `platforms` and plans the image around them. */
export async function imagePlan(ctx: StageContext, platforms: string[]): Promise<{ plan: ImagePlan; binaries: Directory }> {
  const { plan: build, dist } = await buildBinaries(ctx, platforms);
  const plan = planServiceImage(
    { ...ctx.pipeline.image, name: build.name },
    ctx.release,
    build.steps.map((st) => st.platform),
    platforms,
  );
  return { plan, binaries: dist };
}

/** One runtime container per platform, to run the image (tests, scans); what ships is the OCI layout. */
export async function serviceImages(ctx: StageContext, platforms: string[]): Promise<ServiceImages> {
  const { plan, binaries } = await imagePlan(ctx, platforms);
  const builder = dag.container().from(ctx.toolchain.image);
  return { plan, variants: plan.platforms.map((p) => assemble(plan, p, binaries, builder)) };
}

/**
 * The image as it ships: an OCI layout assembled by Gantry (layers, config, manifests and index as
 * exact bytes), so the same commit always gives the same digest, unlike the engine's exporter,
 * which stamps the config with the wall clock.
 */
export async function serviceLayout(ctx: StageContext, platforms: string[]): Promise<OciLayout> {
  const { plan, binaries } = await imagePlan(ctx, platforms);
  return ociLayout({ plan, binaries, builderImage: ctx.toolchain.image });
}

/** The layout as one reproducible tar archive. */
export function layoutTarball(layout: OciLayout, builderImage: string): File {
  const argv = layoutTarballArgv("/gantry/layout", "/gantry/image.tar");
  return withToolDirectory(toolImageContainer("go", builderImage), "go", "/gantry/layout", layout.directory).withExec(argv).file("/gantry/image.tar");
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
  return ctr.withUser(plan.user).withWorkdir(plan.workdir).withExposedPort(plan.exposedPort).withEntrypoint(plan.entrypoint).withDefaultArgs(plan.defaultArgs);
}
