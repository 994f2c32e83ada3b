// A deploy to an environment with `gitops:`. What a GitOps tool syncs from the repository is the
// stable state, never a step of a canary:
// - rolling and blue-green: the commit is the deploy (the tool applies it; Gantry applies nothing);
// - canary: the steps run against the cluster as without GitOps, and only once the new revision is
//   promoted does Gantry commit it, so the tool never reverts the promotion; an abort, a pause or
//   an error commits nothing.
import { parseAllDocuments } from "yaml";

import type { KubeObject } from "../manifests/objects.js";
import type { Ports } from "../ports.js";
import { releaseRecords, rollback } from "../rollback.js";
import { findRelease } from "../rollout/releases.js";
import { rolloutSucceeded, type RolloutReport } from "../report.js";
import { renderEnvironment } from "../rollout/base-objects.js";
import type { RolloutPlan } from "../rollout/plan.js";
import { promote, runRollout, type RunOptions } from "../runner.js";
import { handBack, handOff, type GitWorkspace, type HandoffRequest, type HandoffResult } from "./handoff.js";

export type Provenance = Pick<HandoffRequest, "pipeline" | "run" | "sourceDateEpoch">;

/** The git side of a GitOps deploy: a fresh workspace for each handoff, and where its root is. */
export interface GitPort {
  workspace(): Promise<{ ws: GitWorkspace; root: string }>;
}

export interface GitOpsReport extends RolloutReport {
  gitops?: HandoffResult;
}

/** Does the rollout run against the cluster first (a canary), or is the commit the whole deploy? */
export function canaryFirst(plan: RolloutPlan): boolean {
  return plan.workload.env.strategy.kind === "canary";
}

/** The handoff of the plan's stable state (every object as a completed rollout leaves them). */
export async function commitStableState(plan: RolloutPlan, git: GitPort, provenance: Provenance): Promise<HandoffResult> {
  const w = plan.workload;
  const { ws, root } = await git.workspace();
  return handOff(
    {
      config: w.env.gitops!,
      environment: w.env.name,
      service: w.service,
      image: w.image,
      revision: plan.revision,
      objects: renderEnvironment(plan),
      ...provenance,
    },
    ws,
    root,
  );
}

/** deploy: commit (rolling, blue-green), or canary on the cluster then commit the promoted state. */
export async function gitopsDeploy(
  plan: RolloutPlan,
  ports: Ports | undefined,
  git: GitPort,
  provenance: Provenance,
  options: RunOptions = {},
): Promise<GitOpsReport> {
  if (canaryFirst(plan)) return commitIfPromoted(plan, await runRollout(plan, ports!, options), git, provenance);
  const started = Date.now();
  const result = await commitStableState(plan, git, provenance);
  return committedReport(plan, result, started);
}

/** promote of a canary with GitOps: the promoted state is committed once the rollout completes. */
export async function gitopsPromote(
  plan: RolloutPlan,
  ports: Ports,
  git: GitPort,
  provenance: Provenance,
  full: boolean,
  options: RunOptions = {},
): Promise<GitOpsReport> {
  return commitIfPromoted(plan, await promote(plan, ports, full, options), git, provenance);
}

/** Commits after a canary that promoted (or found its revision already running, to catch up a commit a dead run missed). */
export async function commitIfPromoted(plan: RolloutPlan, report: RolloutReport, git: GitPort, provenance: Provenance): Promise<GitOpsReport> {
  if (!rolloutSucceeded(report.verdict)) return report;
  const gitops = await commitStableState(plan, git, provenance);
  return { ...report, gitops, reason: `${report.reason}; ${describe(gitops)}` };
}

/**
 * rollback --to in an environment with gitops: the recorded release re-applied on the cluster, then
 * committed, so the GitOps tool syncs what was rolled back to instead of reverting it.
 */
export async function gitopsRollback(plan: RolloutPlan, ports: Ports, git: GitPort, provenance: Provenance, to: string): Promise<GitOpsReport> {
  const report = await rollback(plan, ports, to);
  if (!rolloutSucceeded(report.verdict)) return report;
  const w = plan.workload;
  const record = findRelease(await releaseRecords(plan, ports), report.revision, `${w.service} in ${w.env.namespace}`);
  const objects = parseAllDocuments(record.objects).map((d) => d.toJS() as KubeObject);
  const { ws, root } = await git.workspace();
  const gitops = await handOff(
    { config: w.env.gitops!, environment: w.env.name, service: w.service, image: record.image, revision: record.revision, objects, ...provenance },
    ws,
    root,
  );
  return { ...report, gitops, reason: `${report.reason}; ${describe(gitops)}` };
}

/** rollback --to where the commit is the whole deploy (rolling, blue-green): the repository's own history is the record. */
export async function gitopsCommitRollback(plan: RolloutPlan, git: GitPort, provenance: Provenance, to: string): Promise<GitOpsReport> {
  const w = plan.workload;
  const started = Date.now();
  const { ws, root } = await git.workspace();
  const result = await handBack({ config: w.env.gitops!, environment: w.env.name, service: w.service, ...provenance }, to, ws, root);
  const report = committedReport(plan, result, started);
  return { ...report, image: to, revision: "", reason: `${w.env.gitops!.path} restored as of ${result.restored.slice(0, 12)}; ${report.reason}` };
}

function describe(r: HandoffResult): string {
  return r.changed
    ? `committed ${r.commit.slice(0, 12)} to ${r.branch} of ${r.repository} (${r.file})`
    : `${r.branch} of ${r.repository} already holds it at ${r.commit.slice(0, 12)}: nothing committed`;
}

function committedReport(plan: RolloutPlan, gitops: HandoffResult, started: number): GitOpsReport {
  const w = plan.workload;
  const now = Date.now();
  return {
    service: w.service,
    namespace: w.env.namespace,
    environment: w.env.name,
    strategy: w.env.strategy.kind,
    image: w.image,
    revision: plan.revision,
    verdict: gitops.changed ? "promoted" : "unchanged",
    reason: `${describe(gitops)}; the GitOps tool applies it`,
    startedAt: started,
    finishedAt: now,
    actions: [{ at: now, kind: "commit", reason: describe(gitops) }],
    measurements: [],
    timings: { totalMs: now - started, kubectlMs: 0, waitMs: 0, kubectlCalls: 0 },
    gitops,
  };
}
