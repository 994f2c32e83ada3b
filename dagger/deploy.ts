import { dag, type Directory, type Secret, type Service } from "@dagger.io/dagger";

import { ArgumentError, GantryError } from "../core/errors.js";
import { canaryFirst, gitopsCommitRollback, gitopsDeploy, gitopsPromote, gitopsRollback } from "../core/kube/gitops/deploy.js";
import { syncObjects, type SyncOptions, type SyncTool } from "../core/kube/gitops/sync-objects.js";
import { recordIfSucceeded, rollback } from "../core/kube/rollback.js";
import { environmentOf, kubeconfigReference, notifySettings, requireCredentials } from "../core/pipeline/deploy-request.js";
import { readOnlyWorkload, workload } from "../core/kube/manifests/objects.js";
import { toYaml } from "../core/kube/manifests/yaml.js";
import { replayAnalysis, replayText, replayWindow } from "../core/kube/analysis/replay.js";
import { trafficCommand } from "../core/kube/config/traffic.js";
import type { TrafficConfig } from "../core/kube/config/types.js";
import { metricsFor, type Kubectl, type Metrics, type Ports } from "../core/kube/ports.js";
import { workloadLines, type RolloutReport } from "../core/kube/report.js";
import { renderEnvironment } from "../core/kube/rollout/base-objects.js";
import { planRollout, type RolloutPlan } from "../core/kube/rollout/plan.js";
import { abort, deployRollout, history, promote, runRollout, status, type RolloutStatus } from "../core/kube/runner.js";
import { deliveryMarkdown, deliveryMetrics } from "../core/kube/delivery-metrics.js";
import type { PolicyConfig } from "../core/kube/config/types.js";
import type { Admission } from "../core/kube/ports.js";
import { policyAdmission } from "../core/policy/admission.js";
import { decisionLines } from "../core/policy/decision.js";
import { policyInput } from "../core/policy/input.js";
import { NOTHING_VERIFIED, type ScanSummary, type VerifiedAttestations } from "../core/policy/attestations.js";
import { attestationsFromVerify } from "../core/policy/from-verify.js";
import { secretUri } from "../core/pipeline/secret-reference.js";
import type { StageContext } from "./context.js";
import { planBinaries } from "./go-build.js";
import { containerGit, provenanceOf } from "./gitops.js";
import { fetchHttp } from "./http.js";
import { announcers } from "./notify.js";
import { containerKubectl, KUBECTL_IMAGE, rolloutPorts } from "./kube.js";
import { opaEvaluator } from "./policy.js";
import { renderChart } from "./helm.js";

/** How the caller reaches the environment's cluster; the pipeline's deploy stage may name the kubeconfig instead. */
export interface ClusterArguments {
  kubeconfig?: Secret;
  cluster?: Service;
  kubectlImage?: string;
  /** Prometheus queries for when the module's own process cannot reach the analysis address (the embedded demo's). */
  metrics?: Metrics;
}

export type RolloutVerb = { kind: "deploy" } | { kind: "promote"; full: boolean } | { kind: "abort"; reason: string };

/** The service's name: the pipeline's, else the binary's (main package directory or module name). */
export async function serviceName(ctx: StageContext): Promise<string> {
  return ctx.pipeline.name ?? (await planBinaries(ctx, ["linux/amd64"])).name;
}

/** The plan of a rollout of `image` (pinned by digest) to an environment; validates everything, runs nothing. */
export async function rolloutPlan(ctx: StageContext, environment: string, image: string): Promise<RolloutPlan> {
  const env = environmentOf(ctx.pipeline, environment);
  const service = await serviceName(ctx);
  const w = workload(service, image, env, ctx.release.version);
  const commitTime = ctx.release.sourceDateEpoch ? { commitTime: ctx.release.sourceDateEpoch * 1000 } : {};
  // An environment with a chart rolls out the chart's objects, rendered with this image.
  return planRollout(w, { ...commitTime, ...(env.chart ? { chart: await renderChart(ctx.repository, env, service, w.image, ctx.release.version) } : {}) });
}

/** The rollout's ports; with `announce`, the deploy stage's notifier and marker too (their secrets are read only then). */
async function ports(ctx: StageContext, environment: string, plan: RolloutPlan, args: ClusterArguments, announce = false) {
  const reference = kubeconfigReference(ctx.pipeline, environment);
  requireCredentials(environment, args.kubeconfig !== undefined, reference);
  const kubeconfig = args.kubeconfig ?? dag.secret(secretUri(reference!));
  const kubectl = await containerKubectl({ kubeconfig, cluster: args.cluster, kubectlImage: args.kubectlImage || KUBECTL_IMAGE });
  const ports = {
    ...rolloutPorts(kubectl, plan.workload.env),
    ...(announce ? await announcers(notifySettings(ctx.pipeline, environment), ctx.release.commit) : {}),
  };
  return args.metrics ? { ...ports, metrics: args.metrics } : ports;
}

/** The report with the service's Deployments as the cluster shows them now. */
async function withWorkloads(report: RolloutReport, plan: RolloutPlan, p: Ports): Promise<RolloutReport> {
  return { ...report, workloads: workloadLines((await status(plan, p)).deployments) };
}

/** What the environment's policies are told besides the manifests, and where its policy directories are. */
export interface PolicyEvidence {
  /** The repository holding the environment's own policy directories. */
  repository?: Directory;
  /** The scan this call ran before the deploy. */
  scan?: ScanSummary;
  /** What verify checked on the image; nothing verified until then. */
  attestations?: VerifiedAttestations;
}

/** Everything the environment's policies are told besides the manifests. */
function policyParts(ctx: StageContext, plan: RolloutPlan, policy: PolicyConfig, evidence: PolicyEvidence) {
  const { env, image } = plan.workload;
  return {
    now: new Date(),
    environment: env.name,
    image,
    release: { version: ctx.release.version, commit: ctx.release.commit, ref: ctx.release.ref },
    attestations: evidence.attestations ?? NOTHING_VERIFIED,
    ...(evidence.scan ? { scan: evidence.scan } : {}),
    policy,
  };
}

/** The environment's policy gate for a rollout of `image`, or none when the environment names no policy. */
export function environmentAdmission(ctx: StageContext, plan: RolloutPlan, evidence: PolicyEvidence): Admission | undefined {
  const policy = plan.workload.env.policy;
  return policy && policyAdmission(opaEvaluator(policy, evidence.repository), policyParts(ctx, plan, policy, evidence));
}

/** The environment's policies over a rollout of `image`, evaluated and reported; applies nothing. */
export async function environmentPolicy(ctx: StageContext, environment: string, image: string, evidence: PolicyEvidence): Promise<string> {
  const plan = await rolloutPlan(ctx, environment, image);
  const policy = plan.workload.env.policy;
  if (!policy)
    throw new GantryError(`environment ${environment} names no policy: add policy: {} under environments.${environment} for Gantry's default policies`);
  const decision = await opaEvaluator(policy, evidence.repository).evaluate(
    policyInput({ ...policyParts(ctx, plan, policy, evidence), manifests: renderEnvironment(plan) }),
  );
  return `${decisionLines(decision).join("\n")}\n`;
}

/**
 * Walks the rollout of `image` with kubectl in a container; the cluster holds its state, and a
 * completed rollout records its release (for rollback --to). First the image is verified as the
 * environment says (`verify`), then an environment with policies judges it: a refused image applies
 * (or commits) nothing. With gitops:, the commit is the deploy, or, for a canary, follows its
 * promotion (core/kube/gitops/deploy.ts).
 */
export async function deploy(
  ctx: StageContext,
  environment: string,
  image: string,
  args: ClusterArguments,
  evidence: PolicyEvidence = {},
): Promise<RolloutReport> {
  const { verifyBeforeDeploy } = await import("./verify.js");
  const verified = await verifyBeforeDeploy(ctx, environment, image);
  // The policies judge what verify proved, unless the caller brought its own evidence.
  if (verified && !evidence.attestations) evidence = { ...evidence, attestations: attestationsFromVerify(verified) };
  const plan = await rolloutPlan(ctx, environment, image);
  const gitops = plan.workload.env.gitops;
  const provenance = provenanceOf(ctx, plan.workload.service);
  const git = gitops && containerGit(gitops, provenance);
  if (git && !canaryFirst(plan)) return gitopsDeploy(plan, undefined, git, provenance);
  const p = await ports(ctx, environment, plan, args, true);
  const admission = environmentAdmission(ctx, plan, evidence);
  const run = async () => {
    if (!git) return deployRollout(plan, p, admission);
    const decision = admission && (await admission.admit(renderEnvironment(plan)));
    if (decision && !decision.allowed) throw new GantryError(`${decision.reason}; nothing was committed`);
    return gitopsDeploy(plan, p, git, provenance);
  };
  return withWorkloads(await recordIfSucceeded(plan, p, await withTraffic(plan.workload.env.traffic, run)), plan, p);
}

/** Does a deploy to the environment need the cluster's credentials? Not when its commit is the whole deploy. */
export function needsCluster(ctx: StageContext, environment: string): boolean {
  const env = environmentOf(ctx.pipeline, environment);
  return !env.gitops || env.strategy.kind === "canary";
}

/** Runs `work` with the environment's load container (`traffic:`) sending requests, stopped afterwards whatever the outcome. */
export async function withTraffic<T>(traffic: TrafficConfig | undefined, work: () => Promise<T>): Promise<T> {
  if (!traffic) return work();
  const load = dag
    .container()
    .from(traffic.image)
    .asService({ args: trafficCommand(traffic) });
  await load.start();
  try {
    return await work();
  } finally {
    await load.stop();
  }
}

/** A manual gate of the rollout in progress, whose image the cluster records. */
export async function gate(ctx: StageContext, environment: string, args: ClusterArguments, verb: RolloutVerb): Promise<RolloutReport> {
  const current = (await rolloutStatus(ctx, environment, args)).state;
  if (!current) throw new GantryError(`no rollout is recorded in environment ${environment}: nothing to ${verb.kind}`);
  const plan = await rolloutPlan(ctx, environment, current.image);
  const p = await ports(ctx, environment, plan, args, true);
  const gitops = plan.workload.env.gitops;
  const provenance = provenanceOf(ctx, plan.workload.service);
  const promoted = (full: boolean) => (gitops ? gitopsPromote(plan, p, containerGit(gitops, provenance), provenance, full) : promote(plan, p, full));
  const report =
    verb.kind === "promote" ? await promoted(verb.full) : verb.kind === "abort" ? await abort(plan, p, verb.reason || undefined) : await runRollout(plan, p);
  return withWorkloads(await recordIfSucceeded(plan, p, report), plan, p);
}

/** rollback --to a recorded release (revision or image digest): its objects applied again, without analysis. */
export async function rollbackTo(ctx: StageContext, environment: string, to: string, args: ClusterArguments): Promise<RolloutReport> {
  if (!to.trim())
    throw new ArgumentError("to", "name the release to go back to: its revision (as status and the Rollout report it) or its image digest (sha256:...)");
  const plan = planRollout(readOnlyWorkload(await serviceName(ctx), environmentOf(ctx.pipeline, environment), ctx.release.version));
  const gitops = plan.workload.env.gitops;
  const provenance = provenanceOf(ctx, plan.workload.service);
  if (gitops && !canaryFirst(plan)) return gitopsCommitRollback(plan, containerGit(gitops, provenance), provenance, to);
  const p = await ports(ctx, environment, plan, args);
  const report = gitops ? await gitopsRollback(plan, p, containerGit(gitops, provenance), provenance, to) : await rollback(plan, p, to);
  return withWorkloads(report, plan, p);
}

/** The Argo CD Application, or the Flux GitRepository and Kustomization, that sync the environment's gitops path, as YAML. */
export async function gitopsSyncManifests(ctx: StageContext, environment: string, tool: SyncTool, options: SyncOptions): Promise<string> {
  return toYaml(syncObjects(tool, await serviceName(ctx), environmentOf(ctx.pipeline, environment), options));
}

/**
 * The four delivery metrics of the environment, as Markdown, from the rollout history the cluster
 * keeps on the service; over the last `days` days, or everything recorded when 0. Changes nothing.
 */
export async function rolloutHistory(ctx: StageContext, environment: string, days: number, args: ClusterArguments): Promise<string> {
  const service = await serviceName(ctx);
  const plan = planRollout(readOnlyWorkload(service, environmentOf(ctx.pipeline, environment), ctx.release.version));
  const p = await ports(ctx, environment, plan, args);
  const entries = await history(plan, p);
  return deliveryMarkdown(deliveryMetrics(entries, { service, environment, now: p.clock.now(), ...(days > 0 ? { windowDays: days } : {}) }));
}

/** Where the environment's rollout stands; changes nothing. */
export async function rolloutStatus(ctx: StageContext, environment: string, args: ClusterArguments): Promise<RolloutStatus> {
  const env = environmentOf(ctx.pipeline, environment);
  // A chart names the objects; reading them needs the chart rendered (with a placeholder image, never applied).
  const plan = env.chart
    ? await rolloutPlan(ctx, environment, readOnlyWorkload(await serviceName(ctx), env).image)
    : planRollout(readOnlyWorkload(await serviceName(ctx), env, ctx.release.version));
  return status(plan, await ports(ctx, environment, plan, args));
}

/**
 * The environment's analysis replayed over a past window (or at one moment): each measurement's
 * checks and the decision a rollout would have taken. Reads Prometheus only; a Prometheus reached
 * through the API server's service proxy needs the cluster's kubeconfig, a URL does not.
 */
export async function analyzeEnvironment(
  ctx: StageContext,
  environment: string,
  moments: { from: string; to: string; at: string },
  track: string,
  args: ClusterArguments,
): Promise<string> {
  const window = replayWindow(moments);
  const env = environmentOf(ctx.pipeline, environment);
  if (!env.analysis) throw new GantryError(`environment ${environment} has no analysis section: nothing to replay`);
  const address = env.analysis.prometheus;
  const kubectl: Kubectl =
    "url" in address
      ? { run: () => Promise.reject(new GantryError("a Prometheus URL needs no cluster")) }
      : await (async () => {
          const reference = kubeconfigReference(ctx.pipeline, environment);
          requireCredentials(environment, args.kubeconfig !== undefined, reference);
          return containerKubectl({
            kubeconfig: args.kubeconfig ?? dag.secret(secretUri(reference!)),
            cluster: args.cluster,
            kubectlImage: args.kubectlImage || KUBECTL_IMAGE,
          });
        })();
  const metrics = metricsFor(address, { kubectl, http: fetchHttp });
  return replayText(await replayAnalysis(env, await serviceName(ctx), window, (promql, at) => metrics.query(promql, at), track));
}

/** The environment's objects as a finished rollout leaves them, as YAML. */
export async function environmentManifests(ctx: StageContext, environment: string, image: string): Promise<string> {
  return toYaml(renderEnvironment(await rolloutPlan(ctx, environment, image)));
}
