// The pipeline runner's executor on this machine: every stage runs the real tool (go, GNU tar and
// gzip, Trivy, crane against a registry, kubectl against a control plane) with the core's exact
// plans, as dagger/run.ts runs them in containers. Nothing here decides what the runner decides.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { planBuild, type BuildPlan } from "../../core/go/build-plan.js";
import { parseCoverProfile } from "../../core/go/coverage.js";
import { parseGoMod, type GoMod } from "../../core/go/gomod.js";
import { planTest } from "../../core/go/test-plan.js";
import { parseTestJson } from "../../core/go/test2json.js";
import { planServiceImage } from "../../core/image/image-request.js";
import type { OciImage } from "../../core/image/oci/image-layout.js";
import { checkPushedDigest, planLayoutPush } from "../../core/image/oci/crane.js";
import { planPublish } from "../../core/image/publish.js";
import { environmentOf } from "../../core/pipeline/deploy-request.js";
import { workload } from "../../core/kube/manifests/objects.js";
import type { RolloutReport } from "../../core/kube/report.js";
import { planRollout } from "../../core/kube/rollout/plan.js";
import { deployRollout } from "../../core/kube/runner.js";
import { policyAdmission } from "../../core/policy/admission.js";
import { NOTHING_VERIFIED, type VerifiedAttestations } from "../../core/policy/attestations.js";
import { scanEvidence } from "../../core/pipeline/policy-evidence.js";
import type { Stage } from "../../core/pipeline/graph.js";
import { goToolchain } from "../../core/pipeline/go-settings.js";
import { releaseTags } from "../../core/pipeline/release.js";
import { scanPolicyArguments } from "../../core/pipeline/scan-settings.js";
import { pinnedReference } from "../../core/pipeline/outputs.js";
import { deployResult, scanResult, testResult } from "../../core/pipeline/stage-results.js";
import type { ResolvedRelease } from "../../core/pipeline/release.js";
import type { StageExecutor, StageInputs, StageResult } from "../../core/pipeline/runner.js";
import type { Pipeline } from "../../core/pipeline/schema.js";
import { evaluateGate, notScannedVerdict } from "../../core/scan/gate.js";
import { scanPolicy } from "../../core/scan/policy.js";
import { planTrivyScan } from "../../core/scan/trivy-plan.js";
import { parseTrivyReport } from "../../core/scan/trivy-report.js";
import { runScanLoop } from "../fixtures/trivy-db/host.js";
import type { Cluster } from "./cluster.js";
import { clusterPorts } from "./kube-host.js";
import { hostOpaEvaluator } from "./opa.js";
import { assembleImage, emptyDockerConfig, mustRun, runCrane, tempDir } from "./oci.js";
import { runArgv } from "./run.js";

export interface HostPipeline {
  pipeline: Pipeline;
  /** The repository on disk: the pipeline's `source` is the Go module inside it. */
  root: string;
  release: ResolvedRelease;
  /** Trivy and a cache directory holding its DB (`<cacheDir>/db`), used offline. */
  trivy: { binary: string; cacheDir: string };
  cluster: Cluster;
  /** The rollout loop's poll interval. */
  pollMs?: number;
  /** What verify found on the pushed image (nothing until verify runs here). */
  attestations?: VerifiedAttestations;
  /** Told of each rollout a deploy stage walked. */
  onRollout?: (stage: Stage, report: RolloutReport) => void;
}

/** The platform this machine builds and runs natively (the engine's default platform in a container). */
export const NATIVE_PLATFORM = `linux/${process.arch === "arm64" ? "arm64" : "amd64"}`;

export function hostExecutor(host: HostPipeline): StageExecutor {
  const { pipeline, release } = host;
  const module = join(host.root, pipeline.source);
  const mod: GoMod = parseGoMod(readFileSync(join(module, "go.mod"), "utf8"), `${pipeline.source}/go.mod`);
  const toolchain = goToolchain(pipeline.go, mod);
  const imagePlatforms = pipeline.go.platforms.filter((p) => p.startsWith("linux/"));
  const noLogin = emptyDockerConfig();

  // What the engine would answer from its cache: the same build or image asked twice is made once.
  const builds = new Map<string, Promise<{ plan: BuildPlan; dir: string }>>();
  const binaries = (platforms: string[]) => {
    const key = platforms.join(",");
    if (!builds.has(key)) builds.set(key, build(platforms));
    return builds.get(key)!;
  };
  const build = async (platforms: string[]) => {
    const { go } = pipeline;
    const plan = planBuild({
      module: mod,
      pkg: go.pkg,
      platforms,
      nativePlatform: NATIVE_PLATFORM,
      name: pipeline.name,
      version: release.version,
      commit: release.commit,
      date: release.date,
      stampPackage: go.stampPackage,
      values: go.values,
      ldflags: go.ldflags,
      tags: go.buildTags,
      outputDir: tempDir("gantry-dist-"),
      ...toolchain.env,
    });
    for (const step of plan.steps) await mustRun(step.argv, module, step.env);
    return { plan, dir: plan.outputDir };
  };
  const layouts = new Map<string, Promise<{ image: OciImage; layout: string }>>();
  const layout = (platforms: string[]) => {
    const key = platforms.join(",");
    if (!layouts.has(key)) {
      layouts.set(
        key,
        binaries(platforms).then(({ plan, dir }) => {
          const image = planServiceImage(
            { ...pipeline.image, name: plan.name },
            release,
            plan.steps.map((s) => s.platform),
            platforms,
          );
          return assembleImage(image, (_, file) => join(dir, file), noLogin);
        }),
      );
    }
    return layouts.get(key)!;
  };

  const stages: Record<Stage["kind"], (stage: Stage, inputs: StageInputs) => Promise<StageResult>> = {
    async test() {
      const plan = planTest({ ...pipeline.test, tags: pipeline.go.buildTags, ...toolchain.env, outputDir: tempDir("gantry-test-") });
      const ran = await runArgv(plan.argv, { cwd: module, env: plan.env });
      writeFileSync(plan.eventsPath, ran.stdout);
      const coverage =
        plan.coverprofilePath && existsSync(plan.coverprofilePath)
          ? parseCoverProfile(readFileSync(plan.coverprofilePath, "utf8"), "coverage.out").percent
          : undefined;
      return testResult(parseTestJson(ran.stdout), ran.status, coverage);
    },
    async build() {
      const { plan } = await binaries(pipeline.go.platforms);
      return { status: "passed", output: { kind: "build", binaries: plan.steps.map((s) => s.output) } };
    },
    async image() {
      await layout(imagePlatforms);
      return { status: "passed", output: { kind: "image", platforms: imagePlatforms } };
    },
    async scan() {
      // As the adapter does: the native platform's image on its own. Trivy's --input reads an OCI
      // layout as a directory (or a `docker save` tarball), not as the layout's tar archive.
      const scanned = await layout([imagePlatforms.includes(NATIVE_PLATFORM) ? NATIVE_PLATFORM : imagePlatforms[0]!]);
      const work = tempDir("gantry-scan-");
      const config = pipeline.scan;
      const scannedAt = new Date().toISOString();
      const allowList = config.allowList ? { name: config.allowList, text: readFileSync(join(host.root, config.allowList), "utf8") } : undefined;
      const policy = scanPolicy(scanPolicyArguments(config, allowList, scannedAt));
      mkdirSync(join(work, "work"));
      const plan = planTrivyScan({
        target: { kind: "image-archive", path: scanned.layout },
        outputPath: join(work, "trivy.json"),
        cacheDir: host.trivy.cacheDir,
        workdir: join(work, "work"),
        timeout: config.timeout,
        ignoreFile: config.ignoreFile ? join(host.root, config.ignoreFile) : undefined,
        cacheBuster: scannedAt,
        failOpen: config.failOpen,
        // The fixture DB in the cache is the advisories this machine has: no download, no look-ups.
        skipDbUpdate: true,
        skipJavaDbUpdate: true,
        offlineScan: true,
      });
      const { step } = await runScanLoop(host.trivy.binary, plan);
      if (step.kind === "fail") return { status: "failed", error: step.message };
      if (step.kind === "not-scanned") return scanResult(notScannedVerdict(step.reason, policy), scannedAt);
      return scanResult(evaluateGate(parseTrivyReport(readFileSync(step.outputPath, "utf8"), "trivy.json"), policy), scannedAt);
    },
    async publish() {
      const config = pipeline.publish;
      const tags = releaseTags(release, config.tags);
      const plan = planPublish({ repository: config.repository ?? "", tags, platforms: imagePlatforms, registryUser: config.username, hasPassword: false });
      const { image, layout: dir } = await layout(plan.platforms);
      const push = planLayoutPush(plan, dir, image.digest);
      const digest = checkPushedDigest((await runCrane(push.push, noLogin)).stdout, image.digest);
      for (const tag of push.tags) await runCrane(tag, noLogin);
      return { status: "passed", output: { kind: "publish", image: { repository: plan.repository, digest, refs: push.refs } } };
    },
    async deploy(stage, inputs) {
      if (!inputs.image) return { status: "failed", error: `stage ${stage.name}: no publish stage upstream pushed an image to roll out` };
      const image = pinnedReference(inputs.image);
      const name = pipeline.name ?? (await binaries([NATIVE_PLATFORM])).plan.name;
      const env = environmentOf(pipeline, stage.environment!);
      const plan = planRollout(workload(name, image, env, release.version), host.pollMs === undefined ? {} : { pollMs: host.pollMs });
      // As dagger/deploy.ts: the environment's policies, judged by opa, before anything is applied.
      const admission = env.policy
        ? policyAdmission(await hostOpaEvaluator(env.policy, host.root), {
            now: new Date(),
            environment: env.name,
            image,
            release: { version: release.version, commit: release.commit, ref: release.ref },
            attestations: host.attestations ?? NOTHING_VERIFIED,
            ...scanEvidence(Object.values(inputs.upstream)),
            policy: env.policy,
          })
        : undefined;
      const report = await deployRollout(plan, clusterPorts(host.cluster), admission);
      host.onRollout?.(stage, report);
      return deployResult(stage.environment!, image, report);
    },
  };
  return (stage, inputs) => stages[stage.kind](stage, inputs);
}
