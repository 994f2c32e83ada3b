// The deploy entry point: it runs the pipeline's gated chain that ends in a rollout on the
// environment's cluster (the embedded demo is `demo`, dagger/embedded.ts). It calls the steps (run.ts, embedded.ts, the rollout in
// deploy.ts); no step calls back into it, so the adapters form no circle.
import type { Directory } from "@dagger.io/dagger";

import { environmentEntry, kubeconfigReference, requireCredentials } from "../core/pipeline/deploy-request.js";
import type { RolloutReport } from "../core/kube/report.js";
import { deployChain, stageGraph } from "../core/pipeline/graph.js";
import { pinnedReference } from "../core/pipeline/outputs.js";
import { scanEvidence } from "../core/pipeline/policy-evidence.js";
import { pushedBy, runFellShort } from "../core/pipeline/runner.js";
import type { StageContext } from "./context.js";
import { deploy, needsCluster, type ClusterArguments } from "./deploy.js";

/** What `deploy` was asked for, before it is known where it goes. */
export interface DeployArguments {
  /** An image pinned by digest to roll out; empty: publish one first. */
  image: string;
  approve: string[];
  cluster: ClusterArguments;
}

/** Deploys to the environment's cluster; with no credentials anywhere it fails before anything runs, pointing at `demo`. */
export async function deployTo(ctx: StageContext, source: Directory, environment: string, args: DeployArguments): Promise<RolloutReport> {
  environmentEntry(ctx.pipeline, environment); // an unknown name fails first, with a did-you-mean
  // Before anything is built or pushed: a deploy that could not reach its cluster must not publish first.
  if (needsCluster(ctx, environment)) requireCredentials(environment, args.cluster.kubeconfig !== undefined, kubeconfigReference(ctx.pipeline, environment));
  return args.image
    ? deploy(ctx, environment, args.image, args.cluster, { repository: source })
    : gatedDeploy(ctx, source, environment, args.approve, args.cluster);
}

/**
 * A deploy with the gates the pipeline file declares: the environment's deploy stage and everything
 * it waits for (test and scan before anything is pushed, approvals, ref conditions), or, when no stage
 * deploys there, the chain up to publish and then the rollout of what it pushed.
 */
export async function gatedDeploy(
  ctx: StageContext,
  source: Directory,
  environment: string,
  approve: string[],
  cluster: ClusterArguments,
): Promise<RolloutReport> {
  const { runPipeline } = await import("./run.js");
  const chain = deployChain(stageGraph(ctx.pipeline.stages), environment);
  let rolledOut: RolloutReport | undefined;
  const run = await runPipeline(ctx, { source, selection: chain.selection, approve, cluster, onRollout: (_stage, report) => (rolledOut = report) });
  const pushed = chain.publish ? pushedBy(run, chain.publish) : undefined;
  if (chain.rollsOut === "after-publish" && run.status === "passed" && pushed) {
    rolledOut = await deploy(ctx, environment, pinnedReference(pushed), cluster, { repository: source, ...scanEvidence(run.stages.map((s) => s.output)) });
  }
  if (!rolledOut) throw runFellShort(`nothing was rolled out to ${environment}`, run);
  return rolledOut;
}
