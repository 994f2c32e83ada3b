import { GantryError } from "../../errors.js";
import { INT32_MAX } from "../config/api-limits.js";
import type { Strategy } from "../config/types.js";

/**
 * Where a rollout stands. It lives in annotations of the service's main Service object (the one
 * object every strategy keeps for the whole life of the service), so a process that died can be
 * re-run and resume, or finish an abort, exactly where the cluster says it is.
 */
export interface RolloutState {
  strategy: Strategy["kind"];
  /** Revision being rolled out (revisionOf(): image digest + config + pod spec). */
  revision: string;
  /** Its image, pinned by digest. */
  image: string;
  /** What ran before the rollout started, and its image; undefined on a first deploy. */
  stableRevision?: string;
  stableImage?: string;
  phase: Phase;
  /** Canary: index into the steps. Blue-green: BLUE_GREEN_STEPS. */
  step: number;
  /** Last traffic weight applied to the canary, 0-100. */
  weight: number;
  /** Replicas when the rollout started: the total the replica-ratio router keeps. */
  total: number;
  /** Epoch ms the current step started (deadlines for readiness count from here). */
  stepStartedAt: number;
  pauseStartedAt?: number;
  /** Measurements of the current analysis step. */
  analysis?: AnalysisProgress;
  /** A manual gate: skip the current pause/analysis step. (A full promote sets phase "promoting".) */
  promoteStep?: boolean;
  /** Blue-green: the colour serving when the rollout started, and when the Service switched. */
  previousColour?: "blue" | "green";
  switchedAt?: number;
  /** Why the rollout aborted, or the last analysis failure. */
  message?: string;
  /** Epoch ms the rollout started (its first step); kept in the history when it ends. */
  startedAt?: number;
  /** Epoch ms of the commit being rolled out, when known: the start of its lead time. */
  committedAt?: number;
}

/**
 * An analysis step's measurements: conclusive ones taken and failed, inconclusive ones (too few
 * requests), the provider errors in a row (Prometheus could not answer), and when the last was taken.
 */
export interface AnalysisProgress {
  taken: number;
  failed: number;
  inconclusive: number;
  errorsInARow: number;
  lastAt: number;
}

export type Phase = "progressing" | "promoting" | "aborting" | "completed" | "aborted";
const PHASES: Phase[] = ["progressing", "promoting", "aborting", "completed", "aborted"];

export function inProgress(state: RolloutState | undefined): boolean {
  return state !== undefined && (state.phase === "progressing" || state.phase === "promoting" || state.phase === "aborting");
}

export const STATE_PREFIX = "gantry.dev/rollout-";

type Field = { key: string; read: (v: string) => unknown; write: (s: RolloutState) => string | undefined };
/** A whole number from `min` to `max`: a value Gantry could have written, never a guess from a damaged one. */
const int =
  (min: number, max = Number.MAX_SAFE_INTEGER) =>
  (v: string): number => {
    if (!/^-?\d+$/.test(v)) throw new Error(`"${v}" is not an integer`);
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < min || n > max) throw new Error(`${v} is out of range (${min} to ${max})`);
    return n;
  };
/** Epoch milliseconds. */
const time = int(0);
const text = (v: string) => v;
/** Times are whole milliseconds (a clock may give fractions). */
const ms = (n: number) => String(Math.round(n));
const maybe = (n: number | undefined) => (n === undefined ? undefined : ms(n));

/** One annotation per field, readable with `kubectl describe` (times are epoch milliseconds). */
const FIELDS: Record<keyof RolloutState, Field> = {
  strategy: { key: "strategy", read: (v) => oneOf(v, ["rolling", "canary", "blueGreen"]), write: (s) => s.strategy },
  revision: { key: "revision", read: text, write: (s) => s.revision },
  image: { key: "image", read: text, write: (s) => s.image },
  stableRevision: { key: "stable-revision", read: text, write: (s) => s.stableRevision },
  stableImage: { key: "stable-image", read: text, write: (s) => s.stableImage },
  phase: { key: "phase", read: (v) => oneOf(v, PHASES), write: (s) => s.phase },
  step: { key: "step", read: int(0, 10_000), write: (s) => String(s.step) },
  weight: { key: "weight", read: int(0, 100), write: (s) => String(s.weight) },
  total: { key: "total", read: int(0, INT32_MAX), write: (s) => String(s.total) },
  stepStartedAt: { key: "step-started-at", read: time, write: (s) => ms(s.stepStartedAt) },
  pauseStartedAt: { key: "pause-started-at", read: time, write: (s) => maybe(s.pauseStartedAt) },
  analysis: {
    key: "analysis",
    read: (v) => {
      // inconclusive and errors were added later: a state written before them reads as 0.
      const m = /^taken=(\d+),failed=(\d+)(?:,inconclusive=(\d+),errors=(\d+))?,last=(\d+)$/.exec(v);
      if (!m) throw new Error(`"${v}" is not taken=N,failed=N,inconclusive=N,errors=N,last=MS`);
      const count = int(0, 100_000);
      const progress: AnalysisProgress = {
        taken: count(m[1]!),
        failed: count(m[2]!),
        inconclusive: count(m[3] ?? "0"),
        errorsInARow: count(m[4] ?? "0"),
        lastAt: time(m[5]!),
      };
      if (progress.failed > progress.taken) throw new Error(`"${v}" counts more failed measurements than taken`);
      return progress;
    },
    write: (s) =>
      s.analysis &&
      `taken=${s.analysis.taken},failed=${s.analysis.failed},inconclusive=${s.analysis.inconclusive},errors=${s.analysis.errorsInARow},last=${ms(s.analysis.lastAt)}`,
  },
  promoteStep: { key: "promote-step", read: (v) => v === "true", write: (s) => (s.promoteStep ? "true" : undefined) },
  previousColour: { key: "previous-colour", read: (v) => oneOf(v, ["blue", "green"]), write: (s) => s.previousColour },
  switchedAt: { key: "switched-at", read: time, write: (s) => maybe(s.switchedAt) },
  message: { key: "message", read: text, write: (s) => s.message },
  startedAt: { key: "started-at", read: time, write: (s) => maybe(s.startedAt) },
  committedAt: { key: "committed-at", read: time, write: (s) => maybe(s.committedAt) },
};

function oneOf<T extends string>(v: string, allowed: readonly T[]): T {
  if (!allowed.includes(v as T)) throw new Error(`"${v}" is not one of ${allowed.join(", ")}`);
  return v as T;
}

/** Every state annotation: the value to set, or undefined for one to remove. */
export function stateAnnotations(state: RolloutState): Record<string, string | undefined> {
  return Object.fromEntries(Object.values(FIELDS).map((f) => [STATE_PREFIX + f.key, f.write(state)]));
}

/**
 * The state in an object's annotations; undefined when there is none (no rollout ever ran).
 * Damaged annotations are an error naming the annotation, never a guess.
 */
export function readState(annotations: Record<string, string> | undefined, where: string): RolloutState | undefined {
  if (!annotations || annotations[STATE_PREFIX + "phase"] === undefined) return undefined;
  const state: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(FIELDS)) {
    const raw = annotations[STATE_PREFIX + f.key];
    if (raw === undefined) continue;
    try {
      state[name] = f.read(raw);
    } catch (e) {
      throw new GantryError(`${where}: annotation ${STATE_PREFIX + f.key}: ${(e as Error).message}; fix or remove the gantry.dev/rollout-* annotations`);
    }
  }
  for (const required of ["strategy", "revision", "image", "phase", "step", "weight", "total", "stepStartedAt"] as const) {
    if (state[required] === undefined)
      throw new GantryError(`${where}: annotation ${STATE_PREFIX + FIELDS[required].key} is missing; fix or remove the gantry.dev/rollout-* annotations`);
  }
  return state as unknown as RolloutState;
}
