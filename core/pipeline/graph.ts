// The stage graph: each stage's kind, the stages it waits for, a topological order, and the
// selection of the stages one run needs. The same checks serve the loader (which places each
// problem in the file) and programmatic callers (stageGraph throws).
import { ArgumentError, GantryError } from "../errors.js";
import { closest } from "./did-you-mean.js";
import type { NotifySettings } from "./notify-settings.js";
import { STAGE_KINDS, type StageCondition, type StageConfig, type StageKind } from "./stage-schema.js";

export { STAGE_KINDS, type StageKind };

/** Kinds that change the world (push, roll out); they never run before every test and scan passed. */
const GATED_KINDS: readonly StageKind[] = ["publish", "deploy"];
/** Kinds whose verdict gates the above. */
const GATE_KINDS: readonly StageKind[] = ["test", "scan"];

/** The chain when a pipeline file has no stages: publish only on the default branch and tags. */
export const DEFAULT_STAGES: StageConfig[] = [
  { name: "test", needs: [] },
  { name: "build", needs: [] },
  { name: "image", needs: ["build"] },
  { name: "scan", needs: ["image"] },
  { name: "publish", needs: ["test", "scan"], when: { defaultBranch: true, tags: ["**"] } },
];

export interface Stage {
  name: string;
  kind: StageKind;
  /** The needs the file declares. */
  needs: string[];
  /** Test and scan stages a publish or deploy stage waits for without needing them: the gate. */
  gates: string[];
  /** What the stage waits for: its needs and its gates. */
  after: string[];
  when?: StageCondition;
  approval?: "manual";
  environment?: string;
  kubeconfig?: string;
  notify?: NotifySettings;
}

export interface StageGraph {
  /** Every stage in a topological order (needs first; ties keep the file's order). */
  stages: Stage[];
  byName: ReadonlyMap<string, Stage>;
}

/** A problem with a path relative to the stages list, e.g. [2, "needs", 0]. */
export interface StageProblem {
  path: (string | number)[];
  message: string;
}

/** The graph of valid stages; throws a GantryError listing every problem otherwise. */
export function stageGraph(configs: StageConfig[]): StageGraph {
  const problems = stageProblems(configs);
  if (problems.length > 0) throw new GantryError(problems.map((p) => `stages${pathText(p.path)}: ${p.message}`).join("\n"));
  const stages = configs.map(toStage);
  const byName = new Map(stages.map((s) => [s.name, s]));
  return { stages: topologicalOrder(stages).map((name) => byName.get(name)!), byName };
}

/** What a stage does: its kind, else its name when that is a kind, else deploy when it names an environment. */
export function stageKind(config: StageConfig): StageKind | undefined {
  if (config.kind) return config.kind;
  if ((STAGE_KINDS as readonly string[]).includes(config.name)) return config.name as StageKind;
  return config.environment === undefined ? undefined : "deploy";
}

export function stageProblems(configs: StageConfig[]): StageProblem[] {
  const problems: StageProblem[] = [];
  const names = configs.map((s) => s.name);
  const firstIndex = new Map<string, number>();
  configs.forEach((config, i) => {
    const first = firstIndex.get(config.name);
    if (first === undefined) firstIndex.set(config.name, i);
    else problems.push({ path: [i, "name"], message: `a second stage named "${config.name}" (the first is stages[${first}]); stage names must be unique` });
    problems.push(...kindProblems(config, i));
    config.needs.forEach((need, j) => {
      if (need === config.name) problems.push({ path: [i, "needs", j], message: `stage "${need}" cannot need itself` });
      else if (!names.includes(need)) {
        const guess = closest(need, names);
        problems.push({
          path: [i, "needs", j],
          message: `no stage is named "${need}"${guess ? `; did you mean "${guess}"?` : ""} (stages: ${names.join(", ")})`,
        });
      }
    });
  });
  if (problems.length > 0) return problems; // a cycle or a chain is only meaningful over a sound list

  const stages = configs.map(toStage);
  const cycle = findCycle(stages);
  if (cycle) {
    const at = names.indexOf(cycle[0]!);
    const gated = cycle.some((name, i) => i > 0 && !stages[names.indexOf(name)]!.needs.includes(cycle[i - 1]!));
    const note = gated ? " (publish and deploy stages also wait for every test and scan stage)" : "";
    problems.push({ path: [at, "needs"], message: `the stages form a cycle: ${cycle.join(" -> ")}${note}` });
    return problems;
  }
  const byName = new Map(stages.map((s) => [s.name, s]));
  stages.forEach((stage, i) => {
    if (stage.kind === "deploy" && !upstream(stage.name, byName).some((s) => s.kind === "publish")) {
      problems.push({
        path: [i, "needs"],
        message: `deploy stage "${stage.name}" must need a publish stage (directly or through others): it rolls out the digest publish pushed`,
      });
    }
  });
  return problems;
}

/** Every deploy stage names an environment of the file, and no environment is deployed by two stages. */
export function environmentProblems(configs: StageConfig[], environments: string[]): StageProblem[] {
  const problems: StageProblem[] = [];
  const deployedBy = new Map<string, string>();
  configs.forEach((config, i) => {
    if (config.environment === undefined) return;
    if (!environments.includes(config.environment)) {
      const guess = closest(config.environment, environments);
      const known = environments.length > 0 ? `known: ${environments.join(", ")}` : "the file has no environments key";
      problems.push({
        path: [i, "environment"],
        message: `no environment is named "${config.environment}"${guess ? `; did you mean "${guess}"?` : ""} (${known})`,
      });
    }
    const other = deployedBy.get(config.environment);
    if (other) problems.push({ path: [i, "environment"], message: `environment "${config.environment}" is already deployed by stage "${other}"` });
    else deployedBy.set(config.environment, config.name);
  });
  return problems;
}

function kindProblems(config: StageConfig, i: number): StageProblem[] {
  const kind = stageKind(config);
  if (!kind) {
    return [
      { path: [i, "name"], message: `cannot tell what stage "${config.name}" does; set kind (${STAGE_KINDS.join(", ")}) or environment for a deploy stage` },
    ];
  }
  const problems: StageProblem[] = [];
  if (kind === "deploy" && config.environment === undefined) problems.push({ path: [i], message: `deploy stage "${config.name}" needs an environment` });
  if (kind !== "deploy" && config.environment !== undefined)
    problems.push({ path: [i, "environment"], message: `only deploy stages have an environment; "${config.name}" is a ${kind} stage` });
  if (kind !== "deploy" && config.kubeconfig !== undefined)
    problems.push({ path: [i, "kubeconfig"], message: `only deploy stages have a kubeconfig; "${config.name}" is a ${kind} stage` });
  if (kind !== "deploy" && config.notify !== undefined)
    problems.push({ path: [i, "notify"], message: `only deploy stages notify; "${config.name}" is a ${kind} stage` });
  return problems;
}

function toStage(config: StageConfig, _: number, configs: StageConfig[]): Stage {
  const kind = stageKind(config)!;
  const gates = GATED_KINDS.includes(kind)
    ? configs.filter((c) => GATE_KINDS.includes(stageKind(c)!) && !config.needs.includes(c.name)).map((c) => c.name)
    : [];
  const stage: Stage = { name: config.name, kind, needs: [...config.needs], gates, after: [...config.needs, ...gates] };
  if (config.when) stage.when = config.when;
  if (config.approval) stage.approval = config.approval;
  if (config.environment) stage.environment = config.environment;
  if (config.kubeconfig) stage.kubeconfig = config.kubeconfig;
  if (config.notify) stage.notify = config.notify;
  return stage;
}

/** One cycle as names, first name repeated at the end (a -> b -> a), or undefined. */
function findCycle(stages: Stage[]): string[] | undefined {
  const byName = new Map(stages.map((s) => [s.name, s]));
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === "done") return undefined;
    if (state.get(name) === "open") return [...path.slice(path.indexOf(name)), name];
    state.set(name, "open");
    path.push(name);
    for (const next of byName.get(name)!.after) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(name, "done");
    return undefined;
  };
  for (const stage of stages) {
    const cycle = visit(stage.name);
    if (cycle) return cycle.reverse(); // in running order: each stage waits for the one before it
  }
  return undefined;
}

/** Kahn's algorithm, taking ready stages in file order so the order is stable. */
function topologicalOrder(stages: Stage[]): string[] {
  const done = new Set<string>();
  const order: string[] = [];
  while (order.length < stages.length) {
    const ready = stages.find((s) => !done.has(s.name) && s.after.every((a) => done.has(a)));
    if (!ready) throw new GantryError("the stages form a cycle"); // stageProblems rules this out
    done.add(ready.name);
    order.push(ready.name);
  }
  return order;
}

/** Every stage `name` waits for, directly or not, in no particular order. */
export function upstream(name: string, byName: ReadonlyMap<string, Stage>): Stage[] {
  const seen = new Set<string>();
  const walk = (n: string) => {
    for (const a of byName.get(n)!.after) {
      if (!seen.has(a)) {
        seen.add(a);
        walk(a);
      }
    }
  };
  walk(name);
  return [...seen].map((n) => byName.get(n)!);
}

/** The closest publish stage upstream (breadth-first): the one whose pushed digest a deploy stage rolls out. */
export function nearestPublish(stage: Stage, graph: StageGraph): Stage | undefined {
  const queue = [...stage.after];
  const seen = new Set(queue);
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    const s = graph.byName.get(name)!;
    if (s.kind === "publish") return s;
    for (const next of s.after.filter((n) => !seen.has(n))) {
      seen.add(next);
      queue.push(next);
    }
  }
  return undefined;
}

/** Which stages one run covers: all, a stage and what it waits for, or the chain to an environment. */
export type Selection = { stage: string } | { environment: string } | Record<string, never>;

export function selectStages(graph: StageGraph, selection: Selection = {}): Stage[] {
  let targets: Stage[];
  if ("stage" in selection) {
    const stage = graph.byName.get(selection.stage);
    if (!stage) throw new ArgumentError("stage", `no stage is named "${selection.stage}"${suggest(selection.stage, [...graph.byName.keys()])}`);
    targets = [stage];
  } else if ("environment" in selection) {
    targets = graph.stages.filter((s) => s.environment === selection.environment);
    if (targets.length === 0) {
      const environments = graph.stages.flatMap((s) => (s.environment ? [s.environment] : []));
      throw new ArgumentError("environment", `no stage deploys to "${selection.environment}"${suggest(selection.environment, environments)}`);
    }
  } else return graph.stages;
  const wanted = new Set(targets.flatMap((t) => [t.name, ...upstream(t.name, graph.byName).map((s) => s.name)]));
  return graph.stages.filter((s) => wanted.has(s.name));
}

function suggest(word: string, known: string[]): string {
  const guess = closest(word, known);
  return `${guess ? `; did you mean "${guess}"?` : ""} (known: ${known.join(", ") || "none"})`;
}

function pathText(path: (string | number)[]): string {
  return path.map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`)).join("");
}

/**
 * What `deploy --environment` runs before rolling out: the environment's deploy stage and everything
 * it waits for; or, when no stage deploys there, the chain up to the publish stage, whose pushed
 * image is then rolled out. Either way test and scan gate what is pushed.
 */
export function deployChain(graph: StageGraph, environment: string): { selection: Selection; rollsOut: "deploy-stage" | "after-publish"; publish?: string } {
  if (graph.stages.some((s) => s.environment === environment)) return { selection: { environment }, rollsOut: "deploy-stage" };
  const publish = graph.stages.find((s) => s.kind === "publish");
  if (!publish) {
    throw new GantryError(
      `the pipeline file has no stage that deploys to ${environment} and no publish stage to push an image from: pass --image with a digest to roll out`,
    );
  }
  return { selection: { stage: publish.name }, rollsOut: "after-publish", publish: publish.name };
}

/**
 * The publish stage whose image an environment's rollout takes, and what it waits for: what the
 * embedded demo runs before rolling out itself (to its own cluster, whatever the deploy stage names).
 */
export function publishChain(graph: StageGraph, environment: string): { selection: Selection; publish: string } {
  const deployStage = graph.stages.find((s) => s.environment === environment);
  const publish = deployStage ? nearestPublish(deployStage, graph) : graph.stages.find((s) => s.kind === "publish");
  if (!publish) throw new GantryError(`no publish stage pushes the image that goes to ${environment}: add one to the pipeline file, or pass --image`);
  return { selection: { stage: publish.name }, publish: publish.name };
}
