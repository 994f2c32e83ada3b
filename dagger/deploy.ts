import { dag, type Secret, type Service } from "@dagger.io/dagger";

import { GantryError } from "../core/errors.js";
import { environmentOf, kubeconfigReference, requireCredentials } from "../core/pipeline/deploy-request.js";
import { readOnlyWorkload, workload } from "../core/kube/manifests/objects.js";
import { toYaml } from "../core/kube/manifests/yaml.js";
import { replayAnalysis, replayText, replayWindow } from "../core/kube/analysis/replay.js";
import { trafficCommand } from "../core/kube/config/traffic.js";
import type { TrafficConfig } from "../core/kube/config/types.js";
import { metricsFor, type Kubectl, type Metrics, type Ports } from "../core/kube/ports.js";
import { workloadLines, type RolloutReport } from "../core/kube/report.js";
import { renderEnvironment } from "../core/kube/rollout/base-objects.js";
import { planRollout, type RolloutPlan } from "../core/kube/rollout/plan.js";
import { abort, promote, runRollout, status, type RolloutStatus } from "../core/kube/runner.js";
import { secretUri } from "../core/pipeline/secret-reference.js";
import type { StageContext } from "./context.js";
import { planBinaries } from "./go-build.js";
import { renderChart } from "./helm.js";
import { containerKubectl, fetchHttp, KUBECTL_IMAGE, rolloutPorts } from "./kube.js";

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
  // An environment with a chart rolls out the chart's objects, rendered with this image.
  return planRollout(w, env.chart ? { chart: await renderChart(ctx.repository, env, service, w.image, ctx.release.version) } : {});
}

async function ports(ctx: StageContext, environment: string, plan: RolloutPlan, args: ClusterArguments) {
  const reference = kubeconfigReference(ctx.pipeline, environment);
  requireCredentials(environment, args.kubeconfig !== undefined, reference);
  const kubeconfig = args.kubeconfig ?? dag.secret(secretUri(reference!));
  const kubectl = await containerKubectl({ kubeconfig, cluster: args.cluster, kubectlImage: args.kubectlImage || KUBECTL_IMAGE });
  const ports = rolloutPorts(kubectl, plan.workload.env);
  return args.metrics ? { ...ports, metrics: args.metrics } : ports;
}

/** The report with the service's Deployments as the cluster shows them now. */
async function withWorkloads(report: RolloutReport, plan: RolloutPlan, p: Ports): Promise<RolloutReport> {
  return { ...report, workloads: workloadLines((await status(plan, p)).deployments) };
}

/** Walks the rollout of `image` with kubectl in a container; the cluster holds its state. */
export async function deploy(ctx: StageContext, environment: string, image: string, args: ClusterArguments): Promise<RolloutReport> {
  const plan = await rolloutPlan(ctx, environment, image);
  const p = await ports(ctx, environment, plan, args);
  return withWorkloads(await withTraffic(plan.workload.env.traffic, () => runRollout(plan, p)), plan, p);
}

/** Runs `work` with the environment's load container (`traffic:`) sending requests, stopped afterwards whatever the outcome. */
export async function withTraffic<T>(traffic: TrafficConfig | undefined, work: () => Promise<T>): Promise<T> {
  if (!traffic) return work();
  const load = dag.container().from(traffic.image).asService({ args: trafficCommand(traffic) });
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
  const p = await ports(ctx, environment, plan, args);
  const report = verb.kind === "promote" ? await promote(plan, p, verb.full) : verb.kind === "abort" ? await abort(plan, p, verb.reason || undefined) : await runRollout(plan, p);
  return withWorkloads(report, plan, p);
}

/** Where the environment's rollout stands; changes nothing. */
export async function rolloutStatus(ctx: StageContext, environment: string, args: ClusterArguments): Promise<RolloutStatus> {
  const env = environmentOf(ctx.pipeline, environment);
  // A chart names the objects; reading them needs the chart rendered (with a placeholder image, never applied).
  const plan = env.chart ? await rolloutPlan(ctx, environment, readOnlyWorkload(await serviceName(ctx), env).image) : planRollout(readOnlyWorkload(await serviceName(ctx), env, ctx.release.version));
  return status(plan, await ports(ctx, environment, plan, args));
}

/**
 * The environment's analysis replayed over a past window (or at one moment): each measurement's
 * checks and the decision a rollout would have taken. Reads Prometheus only; a Prometheus reached
 * through the API server's service proxy needs the cluster's kubeconfig, a URL does not.
 */
export async function analyzeEnvironment(ctx: StageContext, environment: string, moments: { from: string; to: string; at: string }, track: string, args: ClusterArguments): Promise<string> {
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
          return containerKubectl({ kubeconfig: args.kubeconfig ?? dag.secret(secretUri(reference!)), cluster: args.cluster, kubectlImage: args.kubectlImage || KUBECTL_IMAGE });
        })();
  const metrics = metricsFor(address, { kubectl, http: fetchHttp });
  return replayText(await replayAnalysis(env, await serviceName(ctx), window, (promql, at) => metrics.query(promql, at), track));
}

/** The environment's objects as a finished rollout leaves them, as YAML. */
export async function environmentManifests(ctx: StageContext, environment: string, image: string): Promise<string> {
  return toYaml(renderEnvironment(await rolloutPlan(ctx, environment, image)));
}
