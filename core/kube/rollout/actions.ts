import type { AnalysisRun } from "../config/types.js";
import type { KubeObject } from "../manifests/objects.js";
import type { RolloutState } from "./state.js";

export type Outcome = "promoted" | "unchanged" | "aborted";

/**
 * The single next thing to do, as decided from the observed cluster. Each action is idempotent:
 * if the process dies half-way, the next run observes what happened and decides again.
 */
export type Action =
  /** Server-side apply; then, when given, save the state (both safe to repeat). */
  | { kind: "apply"; objects: KubeObject[]; reason: string; weight?: number; then?: RolloutState }
  | { kind: "scale"; deployment: string; replicas: number; reason: string; weight?: number }
  /** Delete objects (`kind/name`), ignoring those already gone. */
  | { kind: "delete"; refs: string[]; reason: string; weight?: number }
  /** `kubectl rollout undo`: the Deployment's previous template (and so its previous ConfigMap). */
  | { kind: "undo"; deployment: string; reason: string }
  /** `kubectl rollout status --timeout`; on failure save `onFailure`. */
  | { kind: "rolloutStatus"; deployment: string; timeoutMs: number; reason: string; onFailure: RolloutState }
  /** Save the state; with `finish`, the run ends with that outcome. */
  | { kind: "save"; state: RolloutState; reason: string; finish?: Outcome }
  /** Nothing to do yet: observe again after the poll interval, or at `untilMs` if sooner. */
  | { kind: "wait"; untilMs?: number; reason: string }
  /**
   * One measurement of `track`: the Prometheus queries (when `metrics`) and the smoke checks
   * (through `smokeService`); the runner saves `state` with the result counted.
   */
  | { kind: "measure"; track: string; smokeService: string; metrics: boolean; run: AnalysisRun; state: RolloutState; reason: string }
  /** Paused until promoted by hand (`promote`): this run ends. */
  | { kind: "pause"; reason: string }
  | { kind: "done"; outcome: Outcome; reason: string };

/** Save the state; with `finish`, end the run with that outcome. */
export function save(state: RolloutState, reason: string, finish?: Outcome): Action {
  return { kind: "save", state, reason, ...(finish ? { finish } : {}) };
}
