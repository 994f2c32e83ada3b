import { dag, type Container, type Secret, type Service } from "@dagger.io/dagger";

import { dockerConfigJson, formatDigestRefs, planPublish, publishedDigest, type PublishPlan } from "../core/image/publish.js";
import { DOCKER_CONFIG_DIR, DOCKER_CONFIG_FILE } from "../core/image/oci/crane.js";
import { COSIGN_KEY_PATH, COSIGN_PASSWORD_ENV, planAttest, planSign, validateSigning } from "../core/image/sign.js";
import type { ToolRun } from "../core/image/tool-run.js";
import type { PushedImage } from "../core/pipeline/outputs.js";
import { releaseTags } from "../core/pipeline/release.js";
import type { PublishConfig } from "../core/pipeline/schema.js";
import { secretUri } from "../core/pipeline/secret-reference.js";
import type { StageContext } from "./context.js";
import { serviceImages, serviceLayout } from "./image.js";
import { pushLayout } from "./oci-layout.js";
import { imageSbom } from "./sbom.js";
import { execTool, stepName, toolContainer, toolStep, withToolFile, withToolSecret } from "./tool.js";

/** How to reach and log in to the registry: arguments given as Secrets win over the file's references. */
export interface PublishAccess {
  password?: Secret;
  cosignKey?: Secret;
  cosignPassword?: Secret;
  /** A registry running as a Dagger service, bound under the repository's host name and pushed to over plain HTTP. */
  registry?: Service;
}

const SBOM_PATH = "/work/sbom.spdx.json";

function secretOf(given: Secret | undefined, reference: string | undefined): Secret | undefined {
  return given ?? (reference ? dag.secret(secretUri(reference)) : undefined);
}

/**
 * Validates everything first (tags, credentials, platforms, signing), then builds, pushes one image
 * index per tag and checks that they all carry one digest; signing and the SBOM attestation follow,
 * by digest.
 */
export async function publishImage(ctx: StageContext, platforms: string[], given: PublishAccess): Promise<PushedImage> {
  const config: PublishConfig = ctx.pipeline.publish;
  const password = secretOf(given.password, config.password);
  const cosignKey = secretOf(given.cosignKey, config.cosignKey);
  const cosignPassword = secretOf(given.cosignPassword, config.cosignPassword);
  const { release } = ctx;
  const tags = releaseTags(release, config.tags);
  const plan = planPublish({ repository: config.repository ?? "", tags, platforms, registryUser: config.username, hasPassword: password !== undefined });
  validateSigning({ attachSbom: config.attachSbom, hasKey: cosignKey !== undefined });
  const layout = await serviceLayout(ctx, plan.platforms);
  const published = await pushLayout(layout, plan, { password, registry: given.registry });
  const digest = publishedDigest(published);

  if (cosignKey) {
    const signing = { reference: `${plan.repository}@${digest}`, hasPassword: cosignPassword !== undefined, tlogUpload: config.tlogUpload };
    const login = plan.credentials && password ? { plan, password } : undefined;
    const sign = planSign(signing);
    await toolStep(stepName(sign), (await cosign(sign, cosignKey, cosignPassword, login)).sync());
    if (config.attachSbom) {
      const attest = planAttest({ ...signing, predicate: SBOM_PATH, format: "spdx-json" });
      const sbom = imageSbom((await serviceImages(ctx, [plan.platforms[0]!])).variants[0]!, "spdx-json", plan.repository);
      await toolStep(stepName(attest), (await cosign(attest, cosignKey, cosignPassword, login, (c) => withToolFile(c, "cosign", SBOM_PATH, sbom))).sync());
    }
  }
  return { repository: plan.repository, digest, refs: formatDigestRefs(plan.repository, tags, digest) };
}

async function cosign(run: ToolRun, key: Secret, password: Secret | undefined, login: { plan: PublishPlan; password: Secret } | undefined, mount: (c: Container) => Container = (c) => c): Promise<Container> {
  let ctr = withToolSecret(toolContainer(run), "cosign", COSIGN_KEY_PATH, key);
  if (password) ctr = ctr.withSecretVariable(COSIGN_PASSWORD_ENV, password);
  if (login) {
    // cosign pushes signatures to the registry, so it needs the push's login, as a Docker config.
    const config = dockerConfigJson(login.plan.registry, login.plan.credentials!.username, await login.password.plaintext());
    ctr = withToolSecret(ctr.withEnvVariable("DOCKER_CONFIG", DOCKER_CONFIG_DIR), "cosign", DOCKER_CONFIG_FILE, dag.setSecret(`gantry-docker-config-${login.plan.registry}`, config));
  }
  return execTool(mount(ctr), run);
}
