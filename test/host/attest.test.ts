// Publish's attestations and `verify`, for real: Gantry's image pushed with crane to Debian's
// docker-registry on loopback, signed and attested by the core's cosign argv with cosign built from
// the pinned module (scripts/install-cosign.sh), run as uid 65532 on files moded as the adapter
// mounts them; read back by the core's verify argv and judged by the core, with real git answering
// the ancestry question. No Rekor is reachable here: publish runs with tlogUpload false
// (--use-signing-config=false --tlog-upload=false) and verify with --insecure-ignore-tlog.
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { checkPushedDigest, planLayoutPush } from "../../core/image/oci/crane.js";
import { planImage } from "../../core/image/plan.js";
import { planPublish } from "../../core/image/publish.js";
import { COSIGN_IMAGE, COSIGN_KEY_PATH, COSIGN_PASSWORD_ENV, planSign, type SignOptions } from "../../core/image/sign.js";
import { provenanceInputFor } from "../../core/pipeline/attestations.js";
import { loadPipeline } from "../../core/pipeline/load.js";
import { releaseFor } from "../../core/pipeline/release.js";
import { verificationFor, type VerifySettings } from "../../core/pipeline/verification.js";
import { judgeScan } from "../../core/scan/scan-state.js";
import { ancestryArgv, ancestryFromStatus } from "../../core/supply/ancestry.js";
import { planAttestations } from "../../core/supply/attest-plan.js";
import { ATTESTATION_KINDS, PREDICATE_TYPES, type AttestationKind } from "../../core/supply/predicate-types.js";
import { provenanceJson } from "../../core/supply/provenance.js";
import { scanPredicateJson } from "../../core/supply/scan-predicate.js";
import type { VerifiedAttestations } from "../../core/supply/verified-attestations.js";
import { attestedCommits, judgeVerification, statementsOf, type CosignOutcome } from "../../core/supply/verify.js";
import { COSIGN_PUBLIC_KEY_PATH, planVerify } from "../../core/supply/verify-plan.js";
import {
  COSIGN_VERSION,
  cosignHome,
  generateKeyPair,
  mustCosign,
  requireCosign,
  runCosign,
  toolFile,
  toolSecret,
  type CosignFiles,
} from "../support/cosign.js";
import { assembleImage, buildHelloApi, emptyDockerConfig, removeTempDirs, runCrane, tempDir } from "../support/oci.js";
import { startRegistry, type Registry } from "../support/registry.js";
import { runArgv } from "../support/run.js";
import { CLEAN_TRIVY_REPORT, scanState, VULNERABLE_TRIVY_REPORT } from "../support/supply.js";

const PASSWORD = "correct horse battery staple";
const REPOSITORY_URL = "https://github.com/acme/hello-api";
const PIPELINE_PATH = "pipelines/gantry.yaml";
const PIPELINE = `name: hello-api
image: {sourceUrl: '${REPOSITORY_URL}'}
publish: {cosignKey: 'env:COSIGN_KEY', cosignPassword: 'env:COSIGN_PASSWORD', tlogUpload: false, attest: true, publicKey: cosign.pub}
environments:
  production: {namespace: shop}
`;
const pipeline = loadPipeline(PIPELINE, PIPELINE_PATH);
const gitEnv = {
  GIT_AUTHOR_NAME: "t",
  GIT_AUTHOR_EMAIL: "t@example.com",
  GIT_COMMITTER_NAME: "t",
  GIT_COMMITTER_EMAIL: "t@example.com",
  GIT_AUTHOR_DATE: "1763769600 +0000",
  GIT_COMMITTER_DATE: "1763769600 +0000",
};
const noLogin = emptyDockerConfig();
afterAll(removeTempDirs);

async function git(dir: string, ...args: string[]): Promise<string> {
  const ran = await runArgv(["git", "-c", "init.defaultBranch=main", ...args], { cwd: dir, env: gitEnv });
  if (ran.status !== 0) throw new Error(`git ${args.join(" ")}: ${ran.stderr}`);
  return ran.stdout.trim();
}

/** The SBOM attested here is an SPDX 2.3 document the test writes (syft is not a host tool); the adapter attests syft's. */
const spdx = (name: string) =>
  JSON.stringify({
    spdxVersion: "SPDX-2.3",
    dataLicense: "CC0-1.0",
    SPDXID: "SPDXRef-DOCUMENT",
    name,
    documentNamespace: `https://example.invalid/spdx/${name}`,
    packages: [{ SPDXID: "SPDXRef-hello-api", name: "hello-api", versionInfo: "1.2.3" }],
  });

describe("publish's attestations and verify, with the real cosign and registry", () => {
  let registry: Registry;
  let home: string;
  let repo: string;
  let built: string;
  let head: string;
  let side: string;
  let settings: VerifySettings;
  let ours: { key: string; pub: string };
  let theirs: { key: string; pub: string };
  const digests: Record<string, string> = {};

  beforeAll(async () => {
    requireCosign();
    registry = await startRegistry();
    home = await cosignHome();
    const dist = await buildHelloApi(["linux/amd64"]);
    // Images with distinct digests (a label apart), pushed by digest like publish.
    for (const variant of ["ours", "unsigned", "other-key", "foreign-provenance", "failed-scan", "side-branch"]) {
      const plan = planImage({
        name: "hello-api",
        base: "scratch",
        builtPlatforms: ["linux/amd64"],
        sourceDateEpoch: 1_700_000_000,
        labels: { version: variant },
      });
      const { image, layout } = await assembleImage(plan, (_, file) => join(dist, file), noLogin);
      const push = planLayoutPush(
        planPublish({ repository: `${registry.host}/acme/hello-api`, tags: [variant], platforms: ["linux/amd64"], hasPassword: false }),
        layout,
        image.digest,
      );
      checkPushedDigest((await runCrane(push.push, noLogin)).stdout, image.digest);
      digests[variant] = image.digest;
    }
    // The repository: the image is built from its first commit; HEAD is one commit later.
    repo = tempDir("gantry-attest-repo-");
    await git(repo, "init", "-q");
    writeFileSync(join(repo, "main.go"), "package main\n");
    await git(repo, "add", ".");
    await git(repo, "commit", "-qm", "first");
    built = await git(repo, "rev-parse", "HEAD");
    writeFileSync(join(repo, "README"), "later\n");
    await git(repo, "add", ".");
    await git(repo, "commit", "-qm", "second");
    head = await git(repo, "rev-parse", "HEAD");
    // A commit on another branch, outside HEAD's history.
    await git(repo, "checkout", "-qb", "side", built);
    writeFileSync(join(repo, "side.go"), "package main\n");
    await git(repo, "add", ".");
    await git(repo, "commit", "-qm", "side");
    side = await git(repo, "rev-parse", "HEAD");
    await git(repo, "checkout", "-q", "main");
    [ours, theirs] = await Promise.all([generateKeyPair(PASSWORD), generateKeyPair(PASSWORD)]);
    const verification = verificationFor(pipeline, PIPELINE_PATH, "production");
    if (!verification.verify) throw new Error("production should verify");
    settings = verification.settings;
  });
  afterAll(async () => registry?.stop());

  const reference = (variant: string) => `${registry.host}/acme/hello-api@${digests[variant]}`;

  /** publish's signing: the signature, then the three attestations, each predicate mounted as the adapter does. */
  async function publishSigned(variant: string, key: string, options: { repository?: string; trivyJson?: string; commit?: string } = {}): Promise<void> {
    const signing: SignOptions = { reference: reference(variant), hasPassword: true, tlogUpload: pipeline.publish.tlogUpload };
    const files: CosignFiles = {
      paths: { [COSIGN_KEY_PATH]: await toolSecret(key, "cosign.key") },
      secrets: { [COSIGN_PASSWORD_ENV]: PASSWORD },
      home,
      dockerConfig: noLogin,
    };
    await mustCosign(planSign(signing), files);
    const release = releaseFor(
      { ref: "refs/heads/main" },
      { commit: options.commit ?? built, commitTime: 1_763_769_600, branch: "main", headTags: [], tags: [], shallow: false },
    );
    const p = options.repository ? { ...pipeline, image: { ...pipeline.image, sourceUrl: options.repository } } : pipeline;
    const provenance = provenanceJson(
      provenanceInputFor(p, { path: PIPELINE_PATH, text: PIPELINE }, release, {
        platforms: ["linux/amd64"],
        tags: [variant],
        images: [{ name: "go-toolchain", ref: "golang:1.26.8", digest: "sha256:" + "1".repeat(64) }],
      }),
    );
    const state = scanState(options.trivyJson ?? CLEAN_TRIVY_REPORT, new Date(Date.now() - 3_600_000).toISOString());
    const scan = scanPredicateJson({ state: { ...state, finishedAt: state.scannedAt }, ...judgeScan(state), builderId: pipeline.publish.builderId });
    const predicates: Record<AttestationKind, string> = { sbom: spdx(variant), provenance, scan };
    for (const attestation of planAttestations(signing, pipeline.image.sbomFormat)) {
      const predicate = await toolFile(predicates[attestation.kind], `${attestation.kind}.json`);
      await mustCosign(attestation.run, { ...files, paths: { ...files.paths, [attestation.predicatePath]: predicate } });
    }
  }

  /** `verify` as the adapter runs it: cosign per check against the public key, git for the ancestry, the core judging. */
  async function verify(variant: string, pub = ours.pub): Promise<{ verified: VerifiedAttestations; outcomes: Record<string, CosignOutcome> }> {
    const runs = planVerify({
      reference: reference(variant),
      trusted: { kind: "key", key: COSIGN_PUBLIC_KEY_PATH },
      tlog: settings.tlog,
      sbomType: settings.sbomType,
    });
    const files: CosignFiles = { paths: { [COSIGN_PUBLIC_KEY_PATH]: await toolFile(pub, "cosign.pub") }, home, dockerConfig: noLogin };
    const outcomes: Record<string, CosignOutcome> = { signature: await runCosign(runs.signature, files) };
    for (const kind of ATTESTATION_KINDS) outcomes[kind] = await runCosign(runs.attestations[kind], files);
    const evidence = { signature: outcomes.signature!, attestations: { sbom: outcomes.sbom!, provenance: outcomes.provenance!, scan: outcomes.scan! } };
    const ancestry = new Map<string, ReturnType<typeof ancestryFromStatus>>();
    for (const commit of attestedCommits(evidence, reference(variant))) {
      ancestry.set(commit, ancestryFromStatus((await runArgv(ancestryArgv(join(repo, ".git"), commit), { cwd: tmpdir() })).status));
    }
    const expected = {
      reference: reference(variant),
      trusted: settings.trusted,
      repository: settings.repository,
      builderIds: settings.builderIds,
      pipelinePath: settings.pipelinePath,
      maxScanAgeMs: settings.maxScanAgeMs,
      now: new Date(),
    };
    return { verified: judgeVerification(evidence, expected, (c) => ancestry.get(c) ?? "not-checked"), outcomes };
  }

  it("builds the cosign the adapter's image pins", () => {
    expect(COSIGN_IMAGE.endsWith(`:v${COSIGN_VERSION}`)).toBe(true);
  });

  it("attaches three attestations that cosign verify-attestation reads back, about the pushed digest", async () => {
    await publishSigned("ours", ours.key);
    const { outcomes } = await verify("ours");
    const digest = digests.ours!.slice("sha256:".length);
    const read = Object.fromEntries(
      ATTESTATION_KINDS.map((kind) => {
        expect(outcomes[kind]!.status, outcomes[kind]!.stderr).toBe(0);
        const statements = statementsOf(outcomes[kind]!.stdout);
        expect(statements.length).toBeGreaterThan(0);
        expect(statements.every((s) => s.subject?.some((sub) => sub.digest?.sha256 === digest))).toBe(true);
        return [kind, statements[0]!];
      }),
    );
    expect(read.sbom!.predicateType).toBe(PREDICATE_TYPES.spdxjson);
    expect(read.provenance!.predicateType).toBe(PREDICATE_TYPES.slsaprovenance1);
    expect(read.scan!.predicateType).toBe(PREDICATE_TYPES.vuln);
    // cosign keeps the provenance as Gantry wrote it.
    expect(read.provenance!.predicate).toMatchObject({
      buildDefinition: { externalParameters: { source: { repository: REPOSITORY_URL, commit: built }, pipeline: { path: PIPELINE_PATH } } },
      runDetails: { builder: { id: pipeline.publish.builderId } },
    });
  });

  it("verifies the pipeline's own image: signature, this repository, this commit's history, this pipeline, a fresh passed scan", async () => {
    const { verified } = await verify("ours");
    expect(verified.reasons).toEqual([]);
    expect(verified.verified).toBe(true);
    expect(verified.checks.map((c) => c.name)).toEqual([
      "signature",
      "sbom.signature",
      "provenance.signature",
      "scan.signature",
      "provenance.repository",
      "provenance.builder",
      "provenance.pipeline",
      "provenance.ancestry",
      "scan.verdict",
      "scan.age",
    ]);
    expect(verified.provenance?.commit).toBe(built);
    expect(built).not.toBe(head);
    expect(verified.scan?.status).toBe("passed");
  });

  it("fails an unsigned image, saying it has no signature", async () => {
    const { verified } = await verify("unsigned");
    expect(verified.verified).toBe(false);
    expect(verified.reasons.map((r) => r.replace(/ \(.*$/, ""))).toEqual([
      "signature: none found on the image",
      "sbom attestation: none found on the image",
      "provenance attestation: none found on the image",
      "scan attestation: none found on the image",
    ]);
  });

  it("fails an image signed by another key, saying whose key it is not", async () => {
    await publishSigned("other-key", theirs.key);
    const { verified } = await verify("other-key");
    expect(verified.verified).toBe(false);
    expect(verified.reasons.map((r) => r.replace(/ \(.*$/, ""))).toEqual(
      ["signature", "sbom attestation", "provenance attestation", "scan attestation"].map((what) => `${what}: not signed by the key cosign.pub`),
    );
    // The same image verifies against the key that signed it.
    expect((await verify("other-key", theirs.pub)).verified.reasons).toEqual([]);
  });

  it("fails an image whose provenance names another repository", async () => {
    await publishSigned("foreign-provenance", ours.key, { repository: "https://github.com/evil/hello-api" });
    const { verified } = await verify("foreign-provenance");
    expect(verified.reasons).toEqual([`provenance: built from https://github.com/evil/hello-api, not from this repository (${REPOSITORY_URL})`]);
  });

  it("fails an image whose scan attestation records a failed gate", async () => {
    await publishSigned("failed-scan", ours.key, { trivyJson: VULNERABLE_TRIVY_REPORT });
    const { verified } = await verify("failed-scan");
    expect(verified.reasons).toEqual([expect.stringMatching(/^scan: the gate's verdict was "failed" \(.*failing: CVE-2026-0001\)$/)]);
  });

  it("fails an image built from a commit outside this commit's history", async () => {
    await publishSigned("side-branch", ours.key, { commit: side });
    const { verified } = await verify("side-branch");
    expect(verified.reasons).toEqual([`provenance: commit ${side} is not in this commit's history (built from another branch or a rewritten history)`]);
  });

  it("runs cosign as uid 65532: a key left to root (0400) is unreadable to it", async () => {
    const rootKey = tempDir("gantry-root-key-");
    writeFileSync(join(rootKey, "cosign.key"), ours.key, { mode: 0o400 });
    const ran = await runCosign(planSign({ reference: reference("unsigned"), hasPassword: true, tlogUpload: false }), {
      paths: { [COSIGN_KEY_PATH]: join(rootKey, "cosign.key") },
      secrets: { [COSIGN_PASSWORD_ENV]: PASSWORD },
      home,
      dockerConfig: noLogin,
    });
    expect(ran.status).not.toBe(0);
    expect(ran.stderr).toMatch(/permission denied/);
  });
});
