import { GantryError } from "../errors.js";
import { measureMetrics } from "./analysis/measure.js";
import { measurementOutcome, smokeCheck, type Check } from "./analysis/verdict.js";
import { annotateArgv, applyArgv, deleteArgv, getArgv, rolloutStatusArgv, rolloutUndoArgv, scaleArgv, serviceProxyArgv } from "./kubectl.js";
import { missingNamespaceError, namespaceMissing, renderNamespace } from "./manifests/namespace.js";
import type { KubeObject } from "./manifests/objects.js";
import { toYaml } from "./manifests/yaml.js";
import { SERVICE_PORT } from "./manifests/service.js";
import type { Admission, Ports, Ran } from "./ports.js";
import type { RolloutReport, Verdict } from "./report.js";
import type { Action } from "./rollout/actions.js";
import { renderEnvironment } from "./rollout/base-objects.js";
import { counted, startOfAnalysis } from "./rollout/analysis-step.js";
import { observedCanaryWeight } from "./rollout/canary.js";
import { routerFor } from "./routers/registry.js";
import { decide } from "./rollout/decide.js";
import { parseObserved, type Observed } from "./rollout/observed.js";
import type { RolloutPlan } from "./rollout/plan.js";
import { inProgress, stateAnnotations, type RolloutState } from "./rollout/state.js";
import { appendHistory, HISTORY_ANNOTATION, historyEntry, readHistory, type HistoryEntry } from "./rollout/history.js";
import type { Delivery } from "./notify/delivery.js";
import { notificationFor } from "./notify/notification.js";
import { exposition, type StepMark, type StepVerdict } from "./release-metrics.js";
import { timeToDetect } from "./rollout/time-to-detect.js";

export interface RunOptions {
  /** Stop after this many actions (waits not counted), as if the process died: verdict "interrupted". */
  maxActions?: number;
  /** Give up (verdict "error") when the run lasts longer. Default 1 hour. */
  timeoutMs?: number;
  /** Called with each action before it runs (logs, progress). */
  onAction?: (action: Action) => void;
  /** Skip the chart's server-side dry-run: a gate (promote, abort) goes on with what was checked when the rollout started. */
  skipDryRun?: boolean;
}

/** A kubectl command that failed: the argv and what it said. */
export class KubectlError extends GantryError {
  override name = "KubectlError";
  constructor(
    readonly argv: string[],
    readonly ran: Ran,
  ) {
    super(`${argv.slice(0, 3).join(" ")} ... exited ${ran.status}: ${ran.stderr.trim() || ran.stdout.trim()}`);
  }
}

/**
 * The rollout loop: observe the cluster, decide the single next action, do it, again, until the
 * rollout is done, aborted, paused for a manual promote, or the process stops. Everything the loop
 * knows between two turns is in the cluster, so any turn can be the first one of a re-run.
 */
export async function runRollout(plan: RolloutPlan, ports: Ports, options: RunOptions = {}): Promise<RolloutReport> {
  const run = new Run(plan, ports);
  const deadline = run.startedAt + (options.timeoutMs ?? 3_600_000);
  let taken = 0;
  try {
    const refused = options.skipDryRun ? undefined : await run.dryRunChart();
    if (refused) return run.finish("error", refused);
    for (;;) {
      const obs = await run.observe();
      const action = decide(plan, obs);
      if (action.kind === "done") return run.finish(action.outcome, action.reason);
      if (action.kind === "pause") return run.finish("paused", action.reason, { verdict: "paused" });
      if (action.kind === "wait") {
        if (obs.now >= deadline)
          return run.finish("error", `gave up after ${Math.round((obs.now - run.startedAt) / 1000)}s: ${action.reason}`, { stuck: true });
        await run.wait(Math.max(0, Math.min(plan.pollMs, (action.untilMs ?? Infinity) - obs.now)));
        continue;
      }
      if (options.maxActions !== undefined && taken >= options.maxActions)
        return run.finish("interrupted", `stopped after ${taken} action(s), before: ${action.reason}`);
      taken++;
      options.onAction?.(action);
      const finished = await run.execute(action, obs);
      if (finished) return run.finish(finished, action.reason);
    }
  } catch (e) {
    if (e instanceof GantryError) return run.finish("error", e.message);
    throw e;
  }
}

/**
 * A deploy: the environment's admission (its policies) judges the objects the rollout would leave,
 * and only when it admits them does the rollout loop start. A refusal makes no kubectl call at all.
 */
export async function deployRollout(plan: RolloutPlan, ports: Ports, admission: Admission | undefined, options: RunOptions = {}): Promise<RolloutReport> {
  if (admission) {
    const decision = await admission.admit(renderEnvironment(plan));
    if (!decision.allowed) return new Run(plan, ports).finish("refused", decision.reason);
  }
  return runRollout(plan, ports, options);
}

/** A manual gate: go past the current pause or analysis step (or, with full, promote now), then run. */
export async function promote(plan: RolloutPlan, ports: Ports, full = false, options: RunOptions = {}): Promise<RolloutReport> {
  const run = new Run(plan, ports);
  const state = requireInProgress(plan, await run.observe(), "promote");
  await run.saveState(full ? { ...state, phase: "promoting", stepStartedAt: ports.clock.now() } : { ...state, promoteStep: true });
  return runRollout(plan, ports, { ...options, skipDryRun: true });
}

/** Abort by hand: all traffic back to stable, the new revision removed. */
export async function abort(plan: RolloutPlan, ports: Ports, reason = "aborted by hand", options: RunOptions = {}): Promise<RolloutReport> {
  const run = new Run(plan, ports);
  const state = requireInProgress(plan, await run.observe(), "abort");
  if (state.phase !== "aborting") await run.saveState({ ...state, phase: "aborting", stepStartedAt: ports.clock.now(), message: reason });
  return runRollout(plan, ports, { ...options, skipDryRun: true });
}

/** Roll out again a revision whose rollout was aborted (its record is cleared first). */
export async function retry(plan: RolloutPlan, ports: Ports, options: RunOptions = {}): Promise<RolloutReport> {
  const run = new Run(plan, ports);
  const obs = await run.observe();
  if (obs.state?.revision === plan.revision && obs.state.phase === "aborted") {
    const cleared = Object.fromEntries(Object.keys(stateAnnotations(obs.state)).map((k) => [k, undefined]));
    await run.kubectl(annotateArgv(plan.workload.env.namespace, `service/${plan.names.stable}`, cleared));
  }
  return runRollout(plan, ports, options);
}

/** The service's finished rollouts, oldest first, as the cluster keeps them (HISTORY_LIMIT at most); changes nothing. */
export async function history(plan: RolloutPlan, ports: Ports): Promise<HistoryEntry[]> {
  const run = new Run(plan, ports);
  const obs = await run.observe();
  return readHistory(obs.services[plan.names.stable]?.annotations, `service/${plan.names.stable}`);
}

export interface RolloutStatus {
  state?: RolloutState;
  /**
   * The canary's share of the traffic as the cluster routes it now (router weight, or ready-pod
   * ratio). After a process died between moving the traffic and saving the state, it differs from
   * state.weight; this is the one that is true.
   */
  trafficWeight?: number;
  deployments: Observed["deployments"];
  /** One line for people: "canary step 2/5 at 5%, progressing". */
  summary: string;
}

/** Where the service's rollout stands, read from the cluster; changes nothing. */
export async function status(plan: RolloutPlan, ports: Ports): Promise<RolloutStatus> {
  const obs = await new Run(plan, ports).observe();
  const s = obs.state;
  const strategy = plan.workload.env.strategy;
  const traffic = s && strategy.kind === "canary" ? observedCanaryWeight(plan, strategy, obs) : s?.weight;
  const weight =
    s && traffic !== s.weight
      ? `weight ${traffic}% (the state records ${s.weight}%: the run that moved the traffic stopped before recording it)`
      : `weight ${traffic}%`;
  const summary = !s
    ? "no rollout recorded"
    : `${s.strategy} of ${s.revision} (${s.image}): ${s.phase}, step ${s.step}, ${weight}${s.message ? ` (${s.message})` : ""}`;
  return { ...(s ? { state: s, trafficWeight: traffic! } : {}), deployments: obs.deployments, summary };
}

function requireInProgress(plan: RolloutPlan, obs: Observed, what: string): RolloutState {
  const state = obs.state;
  if (!state || !inProgress(state)) throw new GantryError(`${what}: no rollout of ${plan.workload.service} is in progress in ${plan.workload.env.namespace}`);
  return state;
}

/** One run's effects on the cluster and its report. */
class Run {
  readonly startedAt: number;
  private readonly report: RolloutReport;
  private readonly ns: string;
  /** The state as last read or written, and the main Service's annotations as last read. */
  private current?: RolloutState;
  private anchor: Record<string, string> = {};
  private lastMark?: StepMark;
  /** Step marks on their way: never awaited by the loop (a rollback waits for no receiver), all by finish. */
  private readonly marking: Promise<Delivery[]>[] = [];

  constructor(
    private readonly plan: RolloutPlan,
    private readonly ports: Ports,
  ) {
    this.startedAt = ports.clock.now();
    const w = plan.workload;
    this.ns = w.env.namespace;
    this.report = {
      service: w.service,
      namespace: this.ns,
      environment: w.env.name,
      strategy: w.env.strategy.kind,
      image: w.image,
      revision: plan.revision,
      verdict: "error",
      reason: "",
      startedAt: this.startedAt,
      finishedAt: this.startedAt,
      actions: [],
      measurements: [],
      timeToDetect: timeToDetect(w.env, plan.pollMs),
      timings: { totalMs: 0, kubectlMs: 0, waitMs: 0, kubectlCalls: 0 },
    };
  }

  async kubectl(argv: string[], stdin?: string, allowFailure = false): Promise<Ran> {
    const start = this.ports.clock.now();
    const ran = await this.ports.kubectl.run(argv, stdin);
    this.report.timings.kubectlMs += this.ports.clock.now() - start;
    this.report.timings.kubectlCalls++;
    if (ran.status !== 0 && !allowFailure) throw new KubectlError(argv, ran);
    return ran;
  }

  /**
   * A chart's objects come from the user's templates: the API server checks them all (server-side
   * dry-run, admission included) before anything is applied. The refusal, or undefined.
   */
  async dryRunChart(): Promise<string | undefined> {
    if (!this.plan.chart) return undefined;
    const ran = await this.kubectl(applyArgv(this.ns, { dryRun: true }), toYaml(renderEnvironment(this.plan)), true);
    if (ran.status === 0) return undefined;
    if (namespaceMissing(ran.stderr, this.ns)) {
      // Nothing to check objects against yet: the first apply creates the namespace (createNamespace), or says which setting would.
      const env = this.plan.workload.env;
      return env.createNamespace ? undefined : missingNamespaceError(env.name, this.ns).message;
    }
    return `the chart's objects fail the server-side dry-run: ${ran.stderr.trim() || ran.stdout.trim()}`;
  }

  async observe(): Promise<Observed> {
    const s = this.plan.workload.env.strategy;
    const kinds = ["deployments.apps", "services", "pods"];
    if (s.kind === "canary") kinds.push(...routerFor(s.router).observes);
    const ran = await this.kubectl(getArgv(this.ns, this.plan.selector, kinds));
    const obs = parseObserved(ran.stdout, this.plan.names.stable, this.ports.clock.now());
    this.current = obs.state;
    this.anchor = obs.services[this.plan.names.stable]?.annotations ?? {};
    return obs;
  }

  async wait(ms: number): Promise<void> {
    const start = this.ports.clock.now();
    await this.ports.clock.sleep(ms);
    this.report.timings.waitMs += this.ports.clock.now() - start;
  }

  /**
   * Saves the state; when it ends a rollout, its history entry goes in the same annotate (so a
   * re-run, which finds the state final, never counts it twice). `why` and `outcome` describe the
   * step for the release marks.
   */
  async saveState(state: RolloutState, why = "", outcome?: StepVerdict): Promise<void> {
    const previous = this.current;
    const annotations: Record<string, string | undefined> = stateAnnotations(state);
    const ends = (s: RolloutState | undefined) => s?.phase === "completed" || s?.phase === "aborted";
    if (ends(state) && !(ends(previous) && previous!.revision === state.revision)) {
      const entry = historyEntry(state, this.ports.clock.now());
      try {
        annotations[HISTORY_ANNOTATION] = appendHistory(readHistory(this.anchor, `service/${this.plan.names.stable}`), entry);
      } catch (e) {
        // A damaged history must not hold up the end of a rollout; `history` names the annotation.
        if (!(e instanceof GantryError)) throw e;
      }
    }
    await this.kubectl(annotateArgv(this.ns, `service/${this.plan.names.stable}`, annotations));
    this.current = state;
    if (outcome || !previous || previous.step !== state.step || previous.phase !== state.phase || previous.weight !== state.weight)
      this.mark(state, why, outcome);
  }

  private markOf(state: RolloutState, text: string, verdict?: StepVerdict): StepMark {
    const w = this.plan.workload;
    const byPhase: StepVerdict = state.phase === "completed" ? "promoted" : state.phase === "aborted" ? "aborted" : "progressing";
    return {
      at: this.ports.clock.now(),
      service: w.service,
      environment: w.env.name,
      namespace: this.ns,
      revision: state.revision,
      image: state.image,
      step: state.step,
      weight: state.weight,
      phase: state.phase,
      verdict: verdict ?? byPhase,
      text,
    };
  }

  private mark(state: RolloutState, text: string, verdict?: StepVerdict): void {
    this.lastMark = this.markOf(state, text, verdict);
    if (this.ports.marker) this.marking.push(this.ports.marker.mark(this.lastMark).catch((e: unknown) => [{ target: "marker", ok: false, detail: String(e) }]));
  }

  /** Does the action; returns an outcome when it ends the run. */
  async execute(action: Exclude<Action, { kind: "done" | "pause" | "wait" }>, obs: Observed): Promise<Verdict | undefined> {
    const weight = "weight" in action ? action.weight : undefined;
    this.report.actions.push({ at: obs.now, kind: action.kind, reason: action.reason, ...(weight === undefined ? {} : { weight }) });
    switch (action.kind) {
      case "apply":
        await this.apply(action.objects);
        if (action.then) await this.saveState(action.then, action.reason);
        return undefined;
      case "scale":
        await this.kubectl(scaleArgv(this.ns, action.deployment, action.replicas));
        return undefined;
      case "delete":
        await this.kubectl(deleteArgv(this.ns, action.refs));
        return undefined;
      case "undo":
        await this.kubectl(rolloutUndoArgv(this.ns, action.deployment));
        return undefined;
      case "rolloutStatus": {
        const ran = await this.kubectl(rolloutStatusArgv(this.ns, action.deployment, action.timeoutMs), undefined, true);
        if (ran.status !== 0) await this.saveState({ ...action.onFailure, message: `${action.onFailure.message}: ${ran.stderr.trim()}` }, action.reason);
        return undefined;
      }
      case "save":
        await this.saveState(action.state, action.reason);
        return action.finish;
      case "measure": {
        const checks = await this.measure(action.track, action.smokeService, action.metrics);
        const outcome = measurementOutcome(checks);
        const ok = outcome === "pass";
        this.report.measurements.push({ at: this.ports.clock.now(), step: action.state.step, track: action.track, ok, outcome, checks });
        const failures = checks.filter((c) => !c.ok).map((c) => `${c.name} ${c.detail}`);
        await this.saveState(
          {
            ...action.state,
            analysis: counted(action.state.analysis ?? startOfAnalysis(0), outcome, this.ports.clock.now()),
            ...(ok ? {} : { message: failures.join("; ") }),
          },
          `${action.reason}: ${outcome}`,
          outcome,
        );
        return undefined;
      }
    }
  }

  /** Applies objects; a missing namespace is created when the environment says so, else named as the failure. */
  async apply(objects: KubeObject[]): Promise<void> {
    const yaml = toYaml(objects);
    const ran = await this.kubectl(applyArgv(this.ns), yaml, true);
    if (ran.status === 0) return;
    if (!namespaceMissing(ran.stderr, this.ns)) throw new KubectlError(applyArgv(this.ns), ran);
    const env = this.plan.workload.env;
    if (!env.createNamespace) throw missingNamespaceError(env.name, this.ns);
    await this.kubectl(applyArgv(this.ns), toYaml([renderNamespace(this.ns)]));
    await this.kubectl(applyArgv(this.ns), yaml);
  }

  /** One measurement: the error rate and p99 queries of the track, then the smoke checks. */
  async measure(track: string, smokeService: string, metrics: boolean): Promise<Check[]> {
    const e = this.plan.workload.env;
    const checks: Check[] = [];
    const a = e.analysis;
    if (metrics && !a) checks.push({ name: "analysis", ok: false, expected: "an analysis section", detail: "no Prometheus queries are configured" });
    if (metrics && a) {
      const query = this.ports.metrics && ((promql: string) => this.ports.metrics!.query(promql));
      checks.push(...(await measureMetrics(a, { service: this.plan.workload.service, namespace: e.namespace, track }, query)));
    }
    for (const smoke of e.smoke) {
      const name = `GET ${smoke.url ?? smoke.path}`;
      if (smoke.url) {
        const http = this.ports.http;
        const outcome = http
          ? await http.get(smoke.url).then(
              (r) => ({ status: r.status }),
              (err: Error) => ({ error: err.message }),
            )
          : { error: "no HTTP client was given to the rollout" };
        checks.push(smokeCheck(name, smoke.status, outcome));
      } else {
        // The service proxy only tells 2xx (exit 0) from the rest.
        const ran = await this.kubectl(serviceProxyArgv(e.namespace, smokeService, SERVICE_PORT, smoke.path), undefined, true);
        checks.push(smokeCheck(name, smoke.status, ran.status === 0 ? { status: 200 } : { error: ran.stderr.trim() || `kubectl exited ${ran.status}` }));
      }
    }
    return checks;
  }

  /**
   * The report, once the step marks have arrived (or timed out) and the outcome is announced. Both
   * come after the cluster is where the verdict says (a rollback is finished before anyone is told),
   * and their failures are in the report, never in the verdict.
   */
  async finish(verdict: Verdict, reason: string, extra: { stuck?: boolean; verdict?: StepVerdict } = {}): Promise<RolloutReport> {
    const now = this.ports.clock.now();
    const state = this.current;
    if (extra.verdict && state) this.mark(state, reason, extra.verdict);
    const last = this.lastMark ?? (state ? this.markOf(state, reason) : undefined);
    const previousImage = state?.stableImage;
    let report: RolloutReport = {
      ...this.report,
      verdict,
      reason,
      finishedAt: now,
      timings: { ...this.report.timings, totalMs: now - this.startedAt },
      ...(previousImage ? { previousImage } : {}),
      ...(extra.stuck ? { stuck: true } : {}),
      ...(last ? { exposition: exposition(last) } : {}),
    };
    const deliveries = (await Promise.all(this.marking)).flat();
    const message = notificationFor(report);
    if (message) {
      report = { ...report, notification: { event: message.event, commands: message.commands } };
      if (this.ports.notifier)
        deliveries.push(
          ...(await this.ports.notifier.notify(message).catch((e: unknown): Delivery[] => [{ target: "notifier", ok: false, detail: String(e) }])),
        );
    }
    return deliveries.length > 0 ? { ...report, deliveries } : report;
  }
}
