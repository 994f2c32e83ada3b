// Release records (rollout/history.ts) written after each completed rollout, and `rollback --to`:
// re-apply a recorded release's objects as they were, ConfigMap included, without analysis (a
// rollback goes back to what already ran), wait for its Deployments, and record the state as a
// completed rollout of that revision, so the next deploy starts from it like from any other.
import { parseAllDocuments } from "yaml";

import { GantryError } from "../errors.js";
import { isRecord } from "./json.js";
import { KubectlError } from "./runner.js";
import { annotateArgv, applyArgv, deleteArgv, getArgv, rolloutStatusArgv } from "./kubectl.js";
import type { Ports, Ran } from "./ports.js";
import { rolloutSucceeded, type RolloutReport, type Verdict } from "./report.js";
import { activeColour } from "./rollout/blue-green.js";
import { renderEnvironment } from "./rollout/base-objects.js";
import {
  findRelease,
  parseReleaseRecords,
  planReleaseRecord,
  recordsToPrune,
  RELEASE_OF_LABEL,
  renderReleaseRecord,
  type ReleaseRecord,
} from "./rollout/releases.js";
import { parseObserved, type Observed } from "./rollout/observed.js";
import type { RolloutPlan } from "./rollout/plan.js";
import { inProgress, stateAnnotations, type RolloutState } from "./rollout/state.js";
import { toYaml } from "./manifests/yaml.js";

/** The rollout's report, after recording its release when it completed (promoted, or already running). */
export async function recordIfSucceeded(plan: RolloutPlan, ports: Ports, report: RolloutReport): Promise<RolloutReport> {
  if (rolloutSucceeded(report.verdict)) await recordRelease(plan, ports);
  return report;
}

/** Records the plan's release as the cluster now runs it, and deletes the records past the newest KEEP_RELEASES. */
export async function recordRelease(plan: RolloutPlan, ports: Ports): Promise<void> {
  const k = kubectl(ports);
  const ns = plan.workload.env.namespace;
  const obs = await observe(plan, ports);
  const objects = renderEnvironment(plan, activeColour(plan, obs) ?? "blue");
  await k(applyArgv(ns), toYaml([planReleaseRecord(plan, objects, ports.clock.now())]));
  const old = recordsToPrune(await releaseRecords(plan, ports));
  if (old.length > 0)
    await k(
      deleteArgv(
        ns,
        old.map((r) => `configmap/${r.name}`),
      ),
    );
}

/** The recorded releases of the plan's service, newest first. */
export async function releaseRecords(plan: RolloutPlan, ports: Ports): Promise<ReleaseRecord[]> {
  const ran = await kubectl(ports)([
    "kubectl",
    "get",
    "configmaps",
    "--namespace",
    plan.workload.env.namespace,
    "--selector",
    `${RELEASE_OF_LABEL}=${plan.workload.service}`,
    "--output",
    "json",
  ]);
  return parseReleaseRecords(ran.stdout);
}

/**
 * `rollback --to <revision|digest>`: the recorded release's objects applied again, its Deployments
 * waited for within the progress deadline, the state saved as a completed rollout of it. Refused
 * while a rollout is in progress (abort it first: two writers would fight over the Deployment).
 */
export async function rollback(plan: RolloutPlan, ports: Ports, to: string): Promise<RolloutReport> {
  const w = plan.workload;
  const e = w.env;
  const started = ports.clock.now();
  const timings = { totalMs: 0, kubectlMs: 0, waitMs: 0, kubectlCalls: 0 };
  const k = kubectl(ports, timings);
  const before = await observe(plan, ports, k);
  if (before.state && inProgress(before.state)) {
    throw new GantryError(`rollback: the rollout of ${before.state.revision} is ${before.state.phase} in ${e.namespace}; abort it first (or let it finish)`);
  }
  const record = findRelease(await releaseRecords(plan, ports), to, `${w.service} in ${e.namespace}`);
  const objects = parseAllDocuments(record.objects).map((d) => d.toJS() as unknown);
  const deployments = objects.flatMap((o) => (isRecord(o) && o["kind"] === "Deployment" && isRecord(o["metadata"]) ? [String(o["metadata"]["name"])] : []));
  const running = deployments.every((name) => before.deployments[name]?.revision === record.revision) && before.state?.revision === record.revision;
  const actions: RolloutReport["actions"] = [];
  const act = (kind: string, reason: string) => actions.push({ at: ports.clock.now(), kind, reason });

  act(
    "apply",
    `re-apply the ${objects.length} recorded object(s) of revision ${record.revision} (${record.image}), recorded ${new Date(record.recordedAt).toISOString()}`,
  );
  await k(applyArgv(e.namespace), record.objects);
  let verdict: Verdict = running ? "unchanged" : "promoted";
  let reason = running
    ? `revision ${record.revision} (${record.image}) is already running; its objects were applied again`
    : `rolled back to revision ${record.revision} (${record.image})`;
  for (const name of deployments) {
    act("rolloutStatus", `wait for deployment/${name}`);
    const ran = await k(rolloutStatusArgv(e.namespace, name, e.progressDeadlineMs), undefined, true);
    if (ran.status !== 0) {
      verdict = "error";
      reason = `rolled back the objects to revision ${record.revision}, but deployment/${name} did not roll out within ${Math.round(e.progressDeadlineMs / 1000)}s: ${ran.stderr.trim()}`;
      break;
    }
  }
  if (verdict !== "error") {
    const previous = before.state;
    const state: RolloutState = {
      strategy: e.strategy.kind,
      revision: record.revision,
      image: record.image,
      ...(previous && previous.revision !== record.revision ? { stableRevision: previous.revision, stableImage: previous.image } : {}),
      phase: "completed",
      step: 0,
      weight: 0,
      total: e.replicas,
      stepStartedAt: ports.clock.now(),
      message: `rolled back by hand to ${record.revision}`,
    };
    act("save", `record the rollback: revision ${record.revision} completed`);
    await k(annotateArgv(e.namespace, `service/${plan.names.stable}`, stateAnnotations(state)));
    // Recorded again, now: the release rolled back to is the newest, so pruning keeps it.
    await k(applyArgv(e.namespace), toYaml([renderReleaseRecord(w.service, e.namespace, record, ports.clock.now())]));
  }
  const finished = ports.clock.now();
  return {
    service: w.service,
    namespace: e.namespace,
    environment: e.name,
    strategy: `${e.strategy.kind} (rollback)`,
    image: record.image,
    revision: record.revision,
    verdict,
    reason,
    startedAt: started,
    finishedAt: finished,
    actions,
    measurements: [],
    timings: { ...timings, totalMs: finished - started },
  };
}

type Run = (argv: string[], stdin?: string, allowFailure?: boolean) => Promise<Ran>;

function kubectl(ports: Ports, timings?: { kubectlMs: number; kubectlCalls: number }): Run {
  return async (argv, stdin, allowFailure = false) => {
    const start = ports.clock.now();
    const ran = await ports.kubectl.run(argv, stdin);
    if (timings) {
      timings.kubectlMs += ports.clock.now() - start;
      timings.kubectlCalls++;
    }
    if (ran.status !== 0 && !allowFailure) throw new KubectlError(argv, ran);
    return ran;
  };
}

async function observe(plan: RolloutPlan, ports: Ports, k: Run = kubectl(ports)): Promise<Observed> {
  const ran = await k(getArgv(plan.workload.env.namespace, plan.selector, ["deployments.apps", "services"]));
  return parseObserved(ran.stdout, plan.names.stable, ports.clock.now());
}
