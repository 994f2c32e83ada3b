import { randomUUID } from "node:crypto";

import { dag, type Container, type Directory, type File, type Secret, type Service } from "@dagger.io/dagger";

import type { RuntimeBase } from "../core/image/bases.js";
import type { ImagePlan } from "../core/image/plan.js";
import type { ImagePlatform } from "../core/image/platforms.js";
import { dockerConfigJson, registryHostName, validateDigest, type PublishPlan } from "../core/image/publish.js";
import { baseConfigDigest, pulledManifestDigest, readBaseImage, type BaseImage } from "../core/image/oci/base.js";
import { blobPath } from "../core/image/oci/blob.js";
import {
  checkPushedDigest,
  DOCKER_CONFIG_FILE,
  parseBaseDigest,
  planBaseDigest,
  planBasePull,
  planImageDigest,
  planLayoutPush,
} from "../core/image/oci/crane.js";
import { planOciImage, type OciImage, type PlatformParts } from "../core/image/oci/image-layout.js";
import { parseLayerMeasure, planLayer, type LayerPlan } from "../core/image/oci/layer.js";
import type { ToolRun } from "../core/image/tool-run.js";
import { READABLE_FILE_MODE } from "../core/tool-access.js";
import { execTool, stepName, toolContainer, toolImageContainer, toolStep, withToolDirectory, withToolFile, withToolOutput, withToolSecret } from "./tool.js";

/** A registry login; the password stays a Secret and reaches crane only inside a mounted Docker config. */
export interface RegistryLogin {
  registry: string;
  username: string;
  password: Secret;
}

export interface OciLayoutInput {
  plan: ImagePlan;
  /** The Go build's output: one binary per platform, named as the plan's platforms[].binaryFile. */
  binaries: Directory;
  /** Debian-based image with GNU tar, gzip and coreutils that runs the layer step: the golang image of the build. */
  builderImage: string;
  /** Login for pulling a private base image. */
  baseLogin?: RegistryLogin;
}

export interface OciLayout {
  /** An OCI image layout whose index.json names one image index: give it to pushLayout. */
  directory: Directory;
  /** The image index's digest, known before anything is pushed. */
  digest: string;
  image: OciImage;
  /** Each platform's base as pulled, by manifest digest (none for scratch): the provenance's dependencies. */
  bases: { platform: string; ref: string; manifestDigest: string }[];
}

const LAYER_WORK = "/gantry/layer";
const BASE_LAYOUT = "/gantry/base";
const PUSH_LAYOUT = "/gantry/layout";

/**
 * Assembles the multi-platform image as an OCI layout: Gantry's layer per platform from the core's
 * tar/gzip argv in the builder image, the base pulled per platform with crane and reused as it is,
 * and every JSON document written by the core. Nothing reads the clock.
 */
export async function ociLayout(input: OciLayoutInput): Promise<OciLayout> {
  const { plan } = input;
  const layerPlan = planLayer(plan);
  const blobs = new Map<string, File>();
  // Platforms are independent: their layer steps and base pulls run side by side.
  const parts = await Promise.all(
    plan.platforms.map(async ({ platform, binaryFile }): Promise<PlatformParts> => {
      const ctr = layerContainer(input.builderImage, layerPlan, input.binaries.file(binaryFile));
      const measure = (argv: string[]) => toolStep("the layer step (tar, gzip)", ctr.withExec(argv).stdout());
      const layer = parseLayerMeasure(await measure(layerPlan.digestArgv), await measure(layerPlan.sizeArgv));
      blobs.set(layer.digest, ctr.file(`${LAYER_WORK}/${layerPlan.blobFile}`));
      if (plan.base.kind === "scratch") return { platform, layer };
      const base = await pullBase(plan.base, platform, input.baseLogin);
      for (const l of base.image.layers) blobs.set(l.digest, base.layout.file(blobPath(l.digest)));
      return { platform, layer, base: base.image };
    }),
  );
  const image = planOciImage(plan, parts);
  // Every file 0644 (crane pulls blobs 0600); crane's owner is set where the layout is mounted (core/tool-access.ts).
  let directory = dag.directory();
  for (const file of image.files) directory = directory.withNewFile(file.path, file.text, { permissions: READABLE_FILE_MODE });
  for (const layer of image.layerBlobs) directory = directory.withFile(layer.path, blobs.get(layer.digest)!, { permissions: READABLE_FILE_MODE });
  const bases = parts.flatMap((p) => (p.base ? [{ platform: p.platform, ref: p.base.ref, manifestDigest: p.base.manifestDigest }] : []));
  return { directory, digest: image.digest, image, bases };
}

/**
 * Pushes the layout's image index byte for byte to the plan's first tag and points the other tags at
 * it by digest. Returns `repository:tag@digest` per tag, after checking crane pushed the digest
 * Gantry computed.
 */
export async function pushLayout(layout: OciLayout, publish: PublishPlan, access: { password?: Secret; registry?: Service } = {}): Promise<string[]> {
  const { password, registry } = access;
  const push = planLayoutPush(publish, PUSH_LAYOUT, layout.digest, { plainHttp: registry !== undefined });
  const login = publish.credentials && password ? { registry: publish.registry, username: publish.credentials.username, password } : undefined;
  const reach = (ctr: Container) => (registry ? ctr.withServiceBinding(registryHostName(publish.registry), registry) : ctr);
  const crane = async (run: ToolRun) => {
    const ctr = withToolDirectory(reach(uncached(await craneContainer(run, login))), "crane", PUSH_LAYOUT, layout.directory);
    return toolStep(stepName(run), execTool(ctr, run).stdout());
  };
  checkPushedDigest(await crane(push.push), layout.digest);
  for (const tag of push.tags) await crane(tag);
  return push.refs;
}

/** The layer step: inputs in place, then the core's argv in order, in a fresh working directory. */
function layerContainer(builderImage: string, layer: LayerPlan, binary: File): Container {
  let ctr = withToolFile(toolImageContainer("go", builderImage).withWorkdir(LAYER_WORK), "go", `${LAYER_WORK}/${layer.binaryInput}`, binary);
  for (const input of layer.inputs) ctr = ctr.withNewFile(`${LAYER_WORK}/${input.path}`, input.contents);
  for (const argv of layer.steps) ctr = ctr.withExec(argv);
  return ctr;
}

async function pullBase(base: RuntimeBase, platform: ImagePlatform, login?: RegistryLogin): Promise<{ image: BaseImage; layout: Directory }> {
  const resolve = planBaseDigest(base, platform, login !== undefined);
  const digest = parseBaseDigest(await toolStep(stepName(resolve), execTool(uncached(await craneContainer(resolve, login)), resolve).stdout()), base);
  const run = planBasePull(base, platform, digest, BASE_LAYOUT, login !== undefined);
  const layout = execTool(withToolOutput(await craneContainer(run, login), "crane", BASE_LAYOUT), run).directory(BASE_LAYOUT);
  const text = (path: string) => toolStep(stepName(run), layout.file(path).contents());
  const manifestDigest = pulledManifestDigest(await text("index.json"), base.ref);
  const manifestText = await text(blobPath(manifestDigest));
  const configText = await text(blobPath(baseConfigDigest(manifestText, manifestDigest, base.ref)));
  return { image: readBaseImage({ ref: base.ref, platform, manifestText, manifestDigest, configText }), layout };
}

/** The digest `ref` names in its registry today (asked every time, never cached). */
export async function imageDigest(ref: string): Promise<string> {
  const run = planImageDigest(ref);
  return validateDigest((await toolStep(stepName(run), execTool(uncached(toolContainer(run)), run).stdout())).trim(), ref);
}

/**
 * Dagger caches an exec by its inputs; a push, or the question which digest a tag names today,
 * must reach the registry every time. The value only keys the cache: it is in no image.
 */
function uncached(ctr: Container): Container {
  return ctr.withEnvVariable("GANTRY_REGISTRY_CALL", randomUUID());
}

async function craneContainer(run: ToolRun, login?: RegistryLogin): Promise<Container> {
  const ctr = toolContainer(run);
  if (!login) return ctr;
  const config = dockerConfigJson(login.registry, login.username, await login.password.plaintext());
  return withToolSecret(ctr, "crane", DOCKER_CONFIG_FILE, dag.setSecret(`gantry-docker-config-${login.registry}`, config));
}
