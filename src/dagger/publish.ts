import { dag, type Container, type Secret } from "@dagger.io/dagger";

import { dockerConfigJson, formatDigestRefs, planPublish, publishedDigest, type PublishPlan } from "../core/image/publish.js";
import { COSIGN_KEY_PATH, COSIGN_PASSWORD_ENV, planAttest, planSign, validateSigning } from "../core/image/sign.js";
import { computeTags } from "../core/image/tags.js";
import type { ToolRun } from "../core/image/tool-run.js";
import { resolveRelease } from "../core/release.js";
import { serviceImages } from "./image.js";
import { imageSbom } from "./sbom.js";
import type { Gantry } from "../index.js";
import { execTool, toolContainer } from "./tool.js";

export interface PublishRequest {
  repository: string;
  tags: string[];
  releasedVersions: string[];
  platforms: string[];
  registryUser: string;
  registryPassword?: Secret;
  cosignKey?: Secret;
  cosignPassword?: Secret;
  tlogUpload: boolean;
  attachSbom: boolean;
}

const SBOM_PATH = "/work/sbom.spdx.json";

/**
 * Validates everything first (tags, credentials, platforms, signing), then builds, pushes one image
 * index per tag and checks that they all carry one digest; signing and the SBOM attestation follow,
 * by digest.
 */
export async function publishImage(s: Gantry, req: PublishRequest): Promise<string[]> {
  const release = resolveRelease(s);
  const tags = computeTags({
    ref: s.ref || undefined,
    version: s.version || undefined,
    commit: release.commit,
    existingVersions: req.releasedVersions,
    templates: req.tags,
    sourceDateEpoch: release.sourceDateEpoch,
  });
  const plan = planPublish({ repository: req.repository, tags, platforms: req.platforms, registryUser: req.registryUser, hasPassword: req.registryPassword !== undefined });
  validateSigning({ attachSbom: req.attachSbom, hasKey: req.cosignKey !== undefined });
  const { variants } = await serviceImages(s, plan.platforms);

  let pusher = dag.container();
  if (plan.credentials && req.registryPassword) pusher = pusher.withRegistryAuth(plan.registry, plan.credentials.username, req.registryPassword);
  const published: string[] = [];
  for (const ref of plan.refs) published.push(await pusher.publish(ref, { platformVariants: variants }));
  const digest = publishedDigest(published);

  if (req.cosignKey) {
    const signing = { reference: `${plan.repository}@${digest}`, hasPassword: req.cosignPassword !== undefined, tlogUpload: req.tlogUpload };
    await (await cosign(planSign(signing), plan, req)).sync();
    if (req.attachSbom) {
      const attest = planAttest({ ...signing, predicate: SBOM_PATH, format: "spdx-json" });
      await (await cosign(attest, plan, req, (c) => c.withMountedFile(SBOM_PATH, imageSbom(variants[0]!, "spdx-json", plan.repository)))).sync();
    }
  }
  return formatDigestRefs(plan.repository, tags, digest);
}

async function cosign(run: ToolRun, plan: PublishPlan, req: PublishRequest, mount: (c: Container) => Container = (c) => c): Promise<Container> {
  let ctr = toolContainer(run).withMountedSecret(COSIGN_KEY_PATH, req.cosignKey!);
  if (req.cosignPassword) ctr = ctr.withSecretVariable(COSIGN_PASSWORD_ENV, req.cosignPassword);
  if (plan.credentials && req.registryPassword) {
    // cosign pushes signatures to the registry, so it needs the push's login, as a Docker config.
    const config = dockerConfigJson(plan.registry, plan.credentials.username, await req.registryPassword.plaintext());
    ctr = ctr.withEnvVariable("DOCKER_CONFIG", "/gantry/docker").withMountedSecret("/gantry/docker/config.json", dag.setSecret(`gantry-docker-config-${plan.registry}`, config));
  }
  return execTool(mount(ctr), run);
}
