// Runs the core's OCI plans on this machine the way the Dagger adapter runs them in containers:
// the layer's exact argv in a fresh working directory, crane from .tools/bin with the plan's args.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { baseConfigDigest, pulledManifestDigest, readBaseImage, type BaseImage } from "../../core/image/oci/base.js";
import { blobPath } from "../../core/image/oci/blob.js";
import { planOciImage, type OciImage, type PlatformParts } from "../../core/image/oci/image-layout.js";
import { parseLayerMeasure, planLayer, type LayerDigests, type LayerPlan } from "../../core/image/oci/layer.js";
import type { ImagePlan } from "../../core/image/plan.js";
import type { RuntimeBase } from "../../core/image/bases.js";
import type { ImagePlatform } from "../../core/image/platforms.js";
import { planBuild } from "../../core/go/build-plan.js";
import { parseGoMod } from "../../core/go/gomod.js";
import { parseBaseDigest, planBaseDigest, planBasePull } from "../../core/image/oci/crane.js";
import type { ToolRun } from "../../core/image/tool-run.js";
import { runArgv, type Ran } from "./run.js";

const made: string[] = [];

/** A new temporary directory, removed by removeTempDirs (call it in afterAll). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export const CRANE = fileURLToPath(new URL("../../.tools/bin/crane", import.meta.url));

export interface BuiltLayer extends LayerDigests {
  /** The gzipped blob on disk. */
  blob: string;
  tar: string;
}

/** Runs a layer plan in a new temporary directory with `binary` as the platform's binary. */
export async function runLayerPlan(plan: LayerPlan, binary: string): Promise<BuiltLayer> {
  const work = tempDir("gantry-layer-");
  mkdirSync(dirname(join(work, plan.binaryInput)), { recursive: true });
  copyFileSync(binary, join(work, plan.binaryInput));
  for (const input of plan.inputs) {
    mkdirSync(dirname(join(work, input.path)), { recursive: true });
    writeFileSync(join(work, input.path), input.contents);
  }
  for (const argv of plan.steps) await mustRun(argv, work);
  const sums = await mustRun(plan.digestArgv, work);
  const size = await mustRun(plan.sizeArgv, work);
  return { ...parseLayerMeasure(sums.stdout, size.stdout), blob: join(work, plan.blobFile), tar: join(work, plan.tarFile) };
}

/** Writes the image as an OCI layout in a new temporary directory; `blobs` says where each layer blob is on disk. */
export function writeLayout(image: OciImage, blobs: Map<string, string>): string {
  const dir = tempDir("gantry-layout-");
  for (const file of image.files) {
    mkdirSync(dirname(join(dir, file.path)), { recursive: true });
    writeFileSync(join(dir, file.path), file.text);
  }
  for (const layer of image.layerBlobs) {
    const source = blobs.get(layer.digest);
    if (!source) throw new Error(`no blob on disk for ${layer.digest}`);
    mkdirSync(dirname(join(dir, layer.path)), { recursive: true });
    copyFileSync(source, join(dir, layer.path));
  }
  return dir;
}

/**
 * The image as the adapter assembles it: the layer from the core's argv per platform, the base pulled
 * per platform (unless scratch), the image's documents, and its layout on disk.
 */
export async function assembleImage(plan: ImagePlan, binaries: (platform: string, file: string) => string, dockerConfig: string): Promise<{ image: OciImage; layout: string }> {
  const parts: PlatformParts[] = [];
  const blobs = new Map<string, string>();
  for (const { platform, binaryFile } of plan.platforms) {
    const layer = await runLayerPlan(planLayer(plan), binaries(platform, binaryFile));
    blobs.set(layer.digest, layer.blob);
    if (plan.base.kind === "scratch") {
      parts.push({ platform, layer });
      continue;
    }
    const base = await pullBase(plan.base, platform, dockerConfig);
    for (const l of base.image.layers) blobs.set(l.digest, join(base.dir, blobPath(l.digest)));
    parts.push({ platform, layer, base: base.image });
  }
  const image = planOciImage(plan, parts);
  return { image, layout: writeLayout(image, blobs) };
}

/** Pulls one platform of a base with the core's crane argv and reads it as the adapter does. */
export async function pullBase(base: RuntimeBase, platform: ImagePlatform, dockerConfig: string): Promise<{ image: BaseImage; dir: string }> {
  const dir = join(tempDir("gantry-base-"), "layout");
  const digest = parseBaseDigest((await runCrane(planBaseDigest(base, platform), dockerConfig)).stdout, base);
  await runCrane(planBasePull(base, platform, digest, dir), dockerConfig);
  const text = (path: string) => readFileSync(join(dir, path), "utf8");
  const manifestDigest = pulledManifestDigest(text("index.json"), base.ref);
  const manifestText = text(blobPath(manifestDigest));
  const configText = text(blobPath(baseConfigDigest(manifestText, manifestDigest, base.ref)));
  return { image: readBaseImage({ ref: base.ref, platform, manifestText, manifestDigest, configText }), dir };
}

/** Runs a crane ToolRun with the host's crane; DOCKER_CONFIG points at `dockerConfig` (a directory, maybe empty). */
export async function runCrane(run: ToolRun, dockerConfig: string): Promise<Ran> {
  return mustRun([CRANE, ...run.args], tmpdir(), { ...run.env, DOCKER_CONFIG: dockerConfig });
}

export async function mustRun(argv: string[], cwd: string, env?: Record<string, string>): Promise<Ran> {
  const ran = await runArgv(argv, { cwd, env });
  if (ran.status !== 0) throw new Error(`${argv.join(" ")} exited ${ran.status}: ${ran.stderr}`);
  return ran;
}

const EXAMPLE = fileURLToPath(new URL("../../examples/hello-api", import.meta.url));

/** Builds examples/hello-api with the core's Go build plan and the real go; returns the output directory. */
export async function buildHelloApi(platforms: string[]): Promise<string> {
  const outputDir = tempDir("gantry-dist-");
  const module = parseGoMod(readFileSync(join(EXAMPLE, "go.mod"), "utf8"));
  const plan = planBuild({ module, pkg: ".", platforms, nativePlatform: "linux/amd64", version: "1.2.3", outputDir });
  for (const step of plan.steps) await mustRun(step.argv, EXAMPLE, step.env);
  return outputDir;
}
