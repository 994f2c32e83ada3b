import { dag, ExistsType, ReturnType, type Container } from "@dagger.io/dagger";
import { randomUUID } from "node:crypto";

import { GantryError } from "../core/errors.js";
import { DOCKER_CONFIG_DIR, DOCKER_CONFIG_FILE } from "../core/image/oci/crane.js";
import { dockerConfigJson } from "../core/image/publish.js";
import { parseImageReference } from "../core/image/reference.js";
import type { ToolRun } from "../core/image/tool-run.js";
import { secretUri } from "../core/pipeline/secret-reference.js";
import { verificationFor, type VerifySettings } from "../core/pipeline/verification.js";
import { ancestryArgv, ancestryFromStatus, type Ancestry } from "../core/supply/ancestry.js";
import { ATTESTATION_KINDS, type AttestationKind } from "../core/supply/predicate-types.js";
import type { VerifiedAttestations } from "../core/supply/verified-attestations.js";
import { attestedCommits, judgeVerification, type CosignOutcome } from "../core/supply/verify.js";
import { COSIGN_PUBLIC_KEY_PATH, planVerify } from "../core/supply/verify-plan.js";
import type { StageContext } from "./context.js";
import { toolContainer, toolImageContainer, toolStep, withToolDirectory, withToolFile, withToolSecret } from "./tool.js";

export type VerifyOutcome = { skipped: string } | { verified: VerifiedAttestations };

/**
 * Verifies `reference` (repository@sha256:…) as the environment says (or, without one, as publish
 * signs): cosign checks the signature and each attestation against the trusted key or identity, git
 * checks the provenance's commit against this checkout's history, and the core judges the rest.
 */
export async function verifyImage(ctx: StageContext, reference: string, environment?: string): Promise<VerifyOutcome> {
  const verification = verificationFor(ctx.pipeline, ctx.pipelineFile.path, environment);
  if (!verification.verify) return { skipped: verification.why };
  const { settings } = verification;
  const trusted = settings.keyFile ? { kind: "key" as const, key: COSIGN_PUBLIC_KEY_PATH } : settings.trusted;
  const runs = planVerify({ reference, trusted, tlog: settings.tlog, sbomType: settings.sbomType });
  const container = await cosignContainer(ctx, settings, reference);
  const [signature, ...attestations] = await Promise.all(
    [runs.signature, ...ATTESTATION_KINDS.map((k) => runs.attestations[k])].map((run) => outcome(container(run), run)),
  );
  const evidence = {
    signature: signature!,
    attestations: Object.fromEntries(ATTESTATION_KINDS.map((k, i) => [k, attestations[i]!])) as Record<AttestationKind, CosignOutcome>,
  };
  const ancestry = new Map<string, Ancestry>();
  for (const commit of attestedCommits(evidence, reference)) ancestry.set(commit, await ancestryOf(ctx, commit));
  return {
    verified: judgeVerification(
      evidence,
      {
        reference,
        trusted: settings.trusted,
        repository: settings.repository,
        builderIds: settings.builderIds,
        pipelinePath: settings.pipelinePath,
        maxScanAgeMs: settings.maxScanAgeMs,
        now: new Date(),
      },
      (commit) => ancestry.get(commit) ?? "not-checked",
    ),
  };
}

/** The deploy's first step: throws with every reason when the environment verifies and the image fails. */
export async function verifyBeforeDeploy(ctx: StageContext, environment: string, reference: string): Promise<VerifiedAttestations | undefined> {
  const result = await verifyImage(ctx, reference, environment);
  if (!("verified" in result)) return undefined;
  if (!result.verified.verified) {
    throw new GantryError(`${reference} is not verified for ${environment}, so nothing was applied:\n- ${result.verified.reasons.join("\n- ")}`);
  }
  return result.verified;
}

async function cosignContainer(ctx: StageContext, settings: VerifySettings, reference: string): Promise<(run: ToolRun) => Container> {
  let key: ((c: Container) => Container) | undefined;
  if (settings.keyFile) {
    if (!(await ctx.repository.exists(settings.keyFile, { expectedType: ExistsType.RegularType }))) {
      throw new GantryError(`${ctx.pipelineFile.path}: the public key ${settings.keyFile} is not a file in the repository`);
    }
    const file = ctx.repository.file(settings.keyFile);
    key = (c) => withToolFile(c, "cosign", COSIGN_PUBLIC_KEY_PATH, file);
  }
  const login = await registryLogin(ctx, reference);
  return (run) => {
    // Asked every time: a verification is about the registry as it is now.
    let ctr = toolContainer(run).withEnvVariable("GANTRY_REGISTRY_CALL", randomUUID());
    if (key) ctr = key(ctr);
    if (login) ctr = withToolSecret(ctr.withEnvVariable("DOCKER_CONFIG", DOCKER_CONFIG_DIR), "cosign", DOCKER_CONFIG_FILE, login);
    return ctr.withExec(run.args, { useEntrypoint: true, expect: ReturnType.Any });
  };
}

/** publish's login, when the image is in publish's registry. */
async function registryLogin(ctx: StageContext, reference: string) {
  const { publish } = ctx.pipeline;
  if (!publish.password || !publish.username || !publish.repository) return undefined;
  const registry = parseImageReference(publish.repository, "repository").registry;
  if (registry !== parseImageReference(reference, "image").registry) return undefined;
  const password = await dag.secret(secretUri(publish.password)).plaintext();
  return dag.setSecret(`gantry-docker-config-${registry}`, dockerConfigJson(registry, publish.username, password));
}

async function outcome(ctr: Container, run: ToolRun): Promise<CosignOutcome> {
  const step = `cosign ${run.args[0]}`;
  const [status, stdout, stderr] = await Promise.all([toolStep(step, ctr.exitCode()), toolStep(step, ctr.stdout()), toolStep(step, ctr.stderr())]);
  return { status, stdout, stderr };
}

async function ancestryOf(ctx: StageContext, commit: string): Promise<Ancestry> {
  if (!(await ctx.repository.exists(".git", { expectedType: ExistsType.DirectoryType }))) return "not-checked";
  const ctr = withToolDirectory(toolImageContainer("go", ctx.toolchain.image), "go", "/repo/.git", ctx.repository.directory(".git"));
  return ancestryFromStatus(
    await toolStep("git merge-base --is-ancestor", ctr.withExec(ancestryArgv("/repo/.git", commit), { expect: ReturnType.Any }).exitCode()),
  );
}

/**
 * `verify`: the verified attestations as JSON, or an error listing every failed check. With an
 * environment, its trust settings; one that says `verify: false` is an error here, not a pass.
 */
export async function verifyCall(ctx: StageContext, reference: string, environment?: string): Promise<string> {
  const result = await verifyImage(ctx, reference, environment);
  if ("skipped" in result)
    throw new GantryError(`${reference} was not verified: ${result.skipped}; call verify without --environment to check it against publish's key`);
  if (!result.verified.verified) throw new GantryError(`${reference} is not verified:\n- ${result.verified.reasons.join("\n- ")}`);
  return JSON.stringify(result.verified, null, 2) + "\n";
}
