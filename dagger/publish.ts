import { dag, type Container, type Secret, type Service } from "@dagger.io/dagger";

import { dockerConfigJson, formatDigestRefs, planPublish, publishedDigest, type PublishPlan } from "../core/image/publish.js";
import { DOCKER_CONFIG_DIR, DOCKER_CONFIG_FILE } from "../core/image/oci/crane.js";
import { COSIGN_KEY_PATH, COSIGN_PASSWORD_ENV, planAttest, planSign, validateSigning, type SignOptions } from "../core/image/sign.js";
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
  validateSigning({ attachSbom: config.attachSbom, hasKey: cosignKey !== undefined || config.keyless !== undefined });
  const layout = await serviceLayout(ctx, plan.platforms);
  const published = await pushLayout(layout, plan, { password, registry: given.registry });
  const digest = publishedDigest(published);

  if (cosignKey || config.keyless) {
    const signer: Signer = { key: cosignKey, password: cosignPassword, login: plan.credentials && password ? { plan, password } : undefined };
    const signing: SignOptions = {
      reference: `${plan.repository}@${digest}`,
      hasPassword: cosignPassword !== undefined,
      tlogUpload: config.tlogUpload,
      keyless: config.keyless,
    };
    const sign = planSign(signing);
    await toolStep(stepName(sign), (await cosign(sign, signer)).sync());
    if (config.attest) {
      const { attestImage } = await import("./attest.js");
      await attestImage(ctx, { layout, platforms: plan.platforms, tags, repository: plan.repository }, signing, (run, mount) => cosign(run, signer, mount));
    } else if (config.attachSbom) {
      const attest = planAttest({ ...signing, predicate: SBOM_PATH, format: "spdx-json" });
      const sbom = imageSbom((await serviceImages(ctx, [plan.platforms[0]!])).variants[0]!, "spdx-json", plan.repository);
      await toolStep(stepName(attest), (await cosign(attest, signer, (c) => withToolFile(c, "cosign", SBOM_PATH, sbom))).sync());
    }
  }
  return { repository: plan.repository, digest, refs: formatDigestRefs(plan.repository, tags, digest) };
}

/** A cosign container for a run: the key mounted (or the keyless OIDC variables from the caller's environment), the login, then the files mounted. */
/** Who signs: a key (and its password) by secret, or keyless when neither is given; and the registry login to push signatures. */
interface Signer {
  key?: Secret;
  password?: Secret;
  login?: { plan: PublishPlan; password: Secret };
}

async function cosign(run: ToolRun, signer: Signer, mount: (c: Container) => Container = (c) => c): Promise<Container> {
  let ctr = toolContainer(run);
  if (signer.key) ctr = withToolSecret(ctr, "cosign", COSIGN_KEY_PATH, signer.key);
  if (signer.password) ctr = ctr.withSecretVariable(COSIGN_PASSWORD_ENV, signer.password);
  // Keyless: the CI's OIDC variables, read from the environment of whoever runs `dagger call`.
  for (const name of run.secretEnv.filter((n) => n !== COSIGN_PASSWORD_ENV)) ctr = ctr.withSecretVariable(name, dag.secret(secretUri(`env:${name}`)));
  if (signer.login) {
    // cosign pushes signatures to the registry, so it needs the push's login, as a Docker config.
    const { plan, password } = signer.login;
    const config = dockerConfigJson(plan.registry, plan.credentials!.username, await password.plaintext());
    ctr = withToolSecret(
      ctr.withEnvVariable("DOCKER_CONFIG", DOCKER_CONFIG_DIR),
      "cosign",
      DOCKER_CONFIG_FILE,
      dag.setSecret(`gantry-docker-config-${plan.registry}`, config),
    );
  }
  return execTool(mount(ctr), run);
}
