// Runs the stage graph through an executor (the Dagger side, or recorded results in tests): every
// stage starts as soon as what it waits for has passed, so independent stages run at the same
// time. The runner owns the decisions; the executor only does one stage's work.
import { ArgumentError, GantryError } from "../errors.js";
import { parseGitRef } from "../image/tags.js";
import { conditionMatches, describeCondition, describeRef } from "./conditions.js";
import { nearestPublish, selectStages, upstream, type Selection, type Stage, type StageGraph } from "./graph.js";
import { outputFailure, type PushedImage, type StageOutput } from "./outputs.js";

export interface StageInputs {
  /** The ref of the run, as given (refs/heads/main, refs/tags/v1.2.3, ...). */
  ref?: string;
  /** Outputs of every stage this one waits for, directly or not, by stage name. */
  upstream: Readonly<Record<string, StageOutput>>;
  /** The image the nearest publish stage upstream pushed: what a deploy stage rolls out. */
  image?: PushedImage;
}

export interface StageResult {
  status: "passed" | "failed";
  output?: StageOutput;
  /** Why it failed, in the executor's words. */
  error?: string;
  /** Whether the engine answered from its cache instead of doing the work. */
  cacheHit?: boolean;
}

export type StageExecutor = (stage: Stage, inputs: StageInputs) => Promise<StageResult>;

export type StageStatus = "passed" | "failed" | "skipped" | "needs-approval";

export interface StageRecord {
  name: string;
  kind: Stage["kind"];
  environment?: string;
  status: StageStatus;
  /** Why it failed, was skipped or waits. */
  reason?: string;
  output?: StageOutput;
  cacheHit?: boolean;
  /** Milliseconds from the start of the run; absent for stages that did not run. */
  startedAt?: number;
  durationMs?: number;
}

export interface RunReport {
  ref?: string;
  status: "passed" | "failed" | "needs-approval";
  /** The selected stages in topological order. */
  stages: StageRecord[];
  durationMs: number;
}

/** What a publish stage of the run pushed, when it ran and passed. */
export function pushedBy(run: RunReport, stage: string): PushedImage | undefined {
  const output = run.stages.find((s) => s.name === stage && s.status === "passed")?.output;
  return output?.kind === "publish" ? output.image : undefined;
}

/** One line per stage, `name: status (reason)`, for errors and `run`'s stage list. */
export function stageLines(run: RunReport): string[] {
  return run.stages.map((s) => `${s.name}: ${s.status}${s.reason ? ` (${s.reason})` : ""}`);
}

/** The error for a run that did not get as far as `what` needed, listing every stage. */
export function runFellShort(what: string, run: RunReport): GantryError {
  return new GantryError(
    `${what}:\n${stageLines(run)
      .map((l) => `  ${l}`)
      .join("\n")}`,
  );
}

export interface RunOptions {
  /** The git ref being built; stage conditions are decided on it. Without one, only unconditional stages run. */
  ref?: string;
  /** The repository's default branch, for `when: {defaultBranch: true}`. Default: main. */
  defaultBranch?: string;
  /** Whole pipeline (default), one stage and what it waits for, or the chain to one environment. */
  selection?: Selection;
  /** Stages (by name or by environment) whose manual approval is given for this run. */
  approve?: string[];
  /** Run the selected stages whatever their `when` says: the embedded demo publishes from any branch into its throwaway registry. */
  ignoreConditions?: boolean;
  /** Milliseconds clock; tests pass a fake one. */
  now?: () => number;
}

/** Why a stage did not run, kept so dependants can name the stage at the root of it. */
interface Blocker {
  stage: string;
  why: "failed" | "approval" | "condition";
}

export async function runStages(graph: StageGraph, execute: StageExecutor, options: RunOptions = {}): Promise<RunReport> {
  const now = options.now ?? Date.now;
  const start = now();
  const ref = parseGitRef(options.ref);
  const selected = selectStages(graph, options.selection);
  checkApprovals(graph, options.approve ?? []);

  const records = new Map<string, Promise<{ record: StageRecord; blocker?: Blocker }>>();
  const runOne = async (stage: Stage): Promise<{ record: StageRecord; blocker?: Blocker }> => {
    const base: StageRecord = { name: stage.name, kind: stage.kind, status: "skipped", ...(stage.environment ? { environment: stage.environment } : {}) };
    if (!options.ignoreConditions && !conditionMatches(stage.when, ref, options.defaultBranch ?? "main")) {
      const reason = `not for ${describeRef(ref)}; runs for ${describeCondition(stage.when!)}`;
      return { record: { ...base, reason }, blocker: { stage: stage.name, why: "condition" } };
    }
    const before = await Promise.all(stage.after.map((name) => records.get(name)!));
    // A gate that does not run for this ref has nothing to say; one that failed or waits blocks.
    const blocked = before.find((b) => b.record.status !== "passed" && !(stage.gates.includes(b.record.name) && b.blocker?.why === "condition"));
    if (blocked) {
      const blocker = blocked.blocker!;
      return { record: { ...base, reason: blockedReason(blocker, blocked.record.name) }, blocker };
    }
    if (stage.approval === "manual" && !isApproved(stage, options.approve ?? [])) {
      return {
        record: { ...base, status: "needs-approval", reason: `needs approval: run again with --approve ${stage.environment ?? stage.name}` },
        blocker: { stage: stage.name, why: "approval" },
      };
    }
    const startedAt = now();
    const inputs = inputsFor(stage, graph, await upstreamRecords(stage, graph, records), options.ref);
    const result = await execute(stage, inputs).catch((e: unknown): StageResult => ({ status: "failed", error: e instanceof Error ? e.message : String(e) }));
    const record: StageRecord = { ...base, status: "passed", startedAt: startedAt - start, durationMs: now() - startedAt };
    if (result.output) record.output = result.output;
    if (result.cacheHit !== undefined) record.cacheHit = result.cacheHit;
    const failure = result.status === "failed" ? (result.error ?? "failed") : outputFailure(result.output);
    if (failure) return { record: { ...record, status: "failed", reason: failure }, blocker: { stage: stage.name, why: "failed" } };
    return { record };
  };
  // Topological order guarantees every stage's promise exists before a dependant looks it up.
  for (const stage of selected) records.set(stage.name, runOne(stage));
  const stages = await Promise.all(selected.map(async (s) => (await records.get(s.name)!).record));
  return { ...(options.ref ? { ref: options.ref } : {}), status: runStatus(stages), stages, durationMs: now() - start };
}

function blockedReason(blocker: Blocker, direct: string): string {
  const via = blocker.stage === direct ? "" : ` (via ${direct})`;
  if (blocker.why === "failed") return `${blocker.stage} failed${via}`;
  if (blocker.why === "approval") return `waits for the approval of ${blocker.stage}${via}`;
  return `${blocker.stage} does not run for this ref${via}`;
}

function isApproved(stage: Stage, approvals: string[]): boolean {
  return approvals.includes(stage.name) || (stage.environment !== undefined && approvals.includes(stage.environment));
}

/** An approval naming nothing is a typo that would silently leave a deployment waiting. */
function checkApprovals(graph: StageGraph, approvals: string[]): void {
  const known = graph.stages.flatMap((s) => (s.approval ? [s.name, ...(s.environment ? [s.environment] : [])] : []));
  const unknown = approvals.filter((a) => !known.includes(a));
  if (unknown.length > 0) {
    throw new ArgumentError(
      "approve",
      `${unknown.map((a) => `"${a}"`).join(", ")} names no stage or environment that waits for approval (these do: ${known.join(", ") || "none"})`,
    );
  }
}

async function upstreamRecords(stage: Stage, graph: StageGraph, records: Map<string, Promise<{ record: StageRecord }>>): Promise<StageRecord[]> {
  return Promise.all(upstream(stage.name, graph.byName).map(async (s) => (await records.get(s.name)!).record));
}

function inputsFor(stage: Stage, graph: StageGraph, ancestors: StageRecord[], ref: string | undefined): StageInputs {
  const outputs: Record<string, StageOutput> = {};
  for (const record of ancestors) if (record.output) outputs[record.name] = record.output;
  const inputs: StageInputs = { upstream: outputs };
  if (ref) inputs.ref = ref;
  const publish = nearestPublish(stage, graph);
  const output = publish ? outputs[publish.name] : undefined;
  if (output?.kind === "publish") inputs.image = output.image;
  return inputs;
}

function runStatus(stages: StageRecord[]): RunReport["status"] {
  if (stages.some((s) => s.status === "failed")) return "failed";
  return stages.some((s) => s.status === "needs-approval") ? "needs-approval" : "passed";
}
