// Runs the core's OCI plans on this machine the way the Dagger adapter runs them in containers:
// the layer's exact argv in a fresh working directory, crane from .tools/bin with the plan's args,
// as the uid its image runs as (core/tool-access.ts), on files with the owners and modes the
// adapter gives them.
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
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
import { READABLE_DIRECTORY_MODE, toolAccess, TOOL_USERS, type ToolUser } from "../../core/tool-access.js";
import { runArgv, type Ran } from "./run.js";
import { asUser, chownTo, privileged } from "./tool-user.js";

const made: string[] = [];

/** A new temporary directory, removed by removeTempDirs (call it in afterAll). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // Files given to crane's user: only root may remove them when the tests run unprivileged.
      void runArgv(privileged(["rm", "-rf", dir]), { cwd: tmpdir() });
    }
  }
}

const ROOT: ToolUser = { uid: 0, gid: 0 };

/**
 * Who owns what a crane step reads and whom the base pull runs as. ADAPTER_FILES is what
 * dagger/oci-layout.ts does (core/tool-access.ts); BEFORE_ISSUE_17 is what it did until issue 17, kept
 * to show that the host tests tell the two apart.
 */
export interface CraneFiles {
  /** The user the base pull runs as. */
  pullAs: ToolUser;
  /** withToolOutput: the pull's directory exists beforehand, owned by crane's user, 0755. */
  outputOwned: boolean;
  /** The layout's files are written with this mode (withFile/withNewFile permissions); undefined keeps a blob's mode as pulled. */
  fileMode?: number;
  /** withMountedDirectory's owner for the pushed layout; undefined leaves it as written (root's). */
  layoutOwner?: ToolUser;
  /** withMountedSecret's owner and mode for the Docker config. */
  secret: { owner: ToolUser; mode: number };
}

const crane = toolAccess("crane");
const CRANE_USER: ToolUser = { uid: crane.uid, gid: crane.gid };
export const ADAPTER_FILES: CraneFiles = {
  pullAs: CRANE_USER,
  outputOwned: true,
  fileMode: crane.file.permissions,
  layoutOwner: CRANE_USER,
  secret: { owner: CRANE_USER, mode: crane.secret.mode },
};
export const BEFORE_ISSUE_17: CraneFiles = { pullAs: ROOT, outputOwned: false, secret: { owner: ROOT, mode: 0o400 } };

/** DOCKER_CONFIG for crane without a login: an empty directory anyone may enter, as a secret's parent in a container is. */
export function emptyDockerConfig(): string {
  const dir = tempDir("gantry-docker-");
  chmodSync(dir, READABLE_DIRECTORY_MODE);
  return dir;
}

/** DOCKER_CONFIG for crane with a login: config.json owned and moded as `files` says the secret is mounted. */
export async function dockerConfigWith(configJson: string, files: CraneFiles = ADAPTER_FILES): Promise<string> {
  const dir = emptyDockerConfig();
  const file = join(dir, "config.json");
  writeFileSync(file, configJson);
  chmodSync(file, files.secret.mode);
  await chownTo(files.secret.owner, file);
  return dir;
}

/** Owner and mode of every file under `dir`, by relative path ("." for dir itself): what the tool finds. */
export function fileModes(dir: string): Record<string, { uid: number; gid: number; mode: number }> {
  const out: Record<string, { uid: number; gid: number; mode: number }> = {};
  const walk = (rel: string) => {
    const st = statSync(join(dir, rel));
    out[rel] = { uid: st.uid, gid: st.gid, mode: st.mode & 0o7777 };
    if (st.isDirectory()) for (const name of readdirSync(join(dir, rel)).sort()) walk(rel === "." ? name : join(rel, name));
  };
  walk(".");
  return out;
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

/**
 * Writes the image as an OCI layout in a new temporary directory, as the adapter's Directory holds
 * it (documents written, blobs copied from where `blobs` says, with `files.fileMode` when set; a
 * copy keeps the blob's mode otherwise). See mountLayout for what crane then finds.
 */
export function writeLayout(image: OciImage, blobs: Map<string, string>, files: CraneFiles = ADAPTER_FILES): string {
  const dir = tempDir("gantry-layout-");
  // A Directory's directories are 0755: the engine's error of issue 17 named a blob, not index.json.
  chmodSync(dir, READABLE_DIRECTORY_MODE);
  const write = (path: string, put: (target: string) => void) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    put(join(dir, path));
    if (files.fileMode !== undefined) chmodSync(join(dir, path), files.fileMode);
  };
  for (const file of image.files) write(file.path, (target) => writeFileSync(target, file.text));
  for (const layer of image.layerBlobs) {
    const source = blobs.get(layer.digest);
    if (!source) throw new Error(`no blob on disk for ${layer.digest}`);
    write(layer.path, (target) => copyFileSync(source, target));
  }
  return dir;
}

/** The layout as crane finds it mounted: given to `files.layoutOwner` (withMountedDirectory's owner), or left as written. */
export async function mountLayout(layout: string, files: CraneFiles = ADAPTER_FILES): Promise<string> {
  if (files.layoutOwner) await chownTo(files.layoutOwner, layout);
  return layout;
}

/**
 * The image as the adapter assembles it: the layer from the core's argv per platform, the base pulled
 * per platform (unless scratch), the image's documents, and its layout on disk.
 */
export async function assembleImage(
  plan: ImagePlan,
  binaries: (platform: string, file: string) => string,
  dockerConfig: string,
  files: CraneFiles = ADAPTER_FILES,
): Promise<{ image: OciImage; layout: string }> {
  const parts: PlatformParts[] = [];
  const blobs = new Map<string, string>();
  for (const { platform, binaryFile } of plan.platforms) {
    const layer = await runLayerPlan(planLayer(plan), binaries(platform, binaryFile));
    blobs.set(layer.digest, layer.blob);
    if (plan.base.kind === "scratch") {
      parts.push({ platform, layer });
      continue;
    }
    const base = await pullBase(plan.base, platform, dockerConfig, files);
    for (const l of base.image.layers) blobs.set(l.digest, join(base.dir, blobPath(l.digest)));
    parts.push({ platform, layer, base: base.image });
  }
  const image = planOciImage(plan, parts);
  return { image, layout: await mountLayout(writeLayout(image, blobs, files), files) };
}

/** Pulls one platform of a base with the core's crane argv, as `files.pullAs`, and reads it as the adapter does. */
export async function pullBase(
  base: RuntimeBase,
  platform: ImagePlatform,
  dockerConfig: string,
  files: CraneFiles = ADAPTER_FILES,
): Promise<{ image: BaseImage; dir: string }> {
  const parent = tempDir("gantry-base-");
  chmodSync(parent, READABLE_DIRECTORY_MODE);
  const dir = join(parent, "layout");
  if (files.outputOwned) {
    mkdirSync(dir, { mode: crane.output.permissions });
    await chownTo(CRANE_USER, dir);
  }
  const digest = parseBaseDigest((await runCrane(planBaseDigest(base, platform), dockerConfig)).stdout, base);
  await runCrane(planBasePull(base, platform, digest, dir), dockerConfig, files.pullAs);
  const text = (path: string) => readFileSync(join(dir, path), "utf8");
  const manifestDigest = pulledManifestDigest(text("index.json"), base.ref);
  const manifestText = text(blobPath(manifestDigest));
  const configText = text(blobPath(baseConfigDigest(manifestText, manifestDigest, base.ref)));
  return { image: readBaseImage({ ref: base.ref, platform, manifestText, manifestDigest, configText }), dir };
}

/**
 * Runs a crane ToolRun with the host's crane, as the uid its image runs as unless told otherwise;
 * DOCKER_CONFIG points at `dockerConfig` (dockerConfigDir: maybe empty).
 */
export async function runCrane(run: ToolRun, dockerConfig: string, as: ToolUser = TOOL_USERS[run.tool]): Promise<Ran> {
  return mustRun(craneArgv(run, as), tmpdir(), { ...run.env, DOCKER_CONFIG: dockerConfig });
}

/** The argv runCrane runs: the plan's args, as `as`. */
export function craneArgv(run: ToolRun, as: ToolUser = TOOL_USERS[run.tool]): string[] {
  return asUser(as, [CRANE, ...run.args]);
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
