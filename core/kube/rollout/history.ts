import { GantryError } from "../../errors.js";
import { isRecord } from "../json.js";
import { STATE_PREFIX, type RolloutState } from "./state.js";

/**
 * One finished rollout, as the service's history keeps it: enough for the delivery metrics
 * (`history`) and no more. Times are epoch milliseconds.
 */
export interface HistoryEntry {
  revision: string;
  image: string;
  outcome: "promoted" | "aborted";
  /** When the rollout started (its first step). */
  startedAt: number;
  /** When it ended: promoted, or traffic back on the stable after an abort. */
  finishedAt: number;
  /** Commit time of what was rolled out, when the rollout knew it. */
  committedAt?: number;
  /** Why it aborted (cut to REASON_LIMIT characters). */
  reason?: string;
}

/**
 * The history lives next to the state, in one annotation of the main Service: a JSON list, oldest
 * first, bounded so that the object stays far under the API server's 256 KiB of annotations
 * (HISTORY_LIMIT entries of at most ~600 bytes). A `retry` clears the state, never the history.
 */
export const HISTORY_ANNOTATION = `${STATE_PREFIX}history`;
export const HISTORY_LIMIT = 100;
const REASON_LIMIT = 300;

/** The history in a Service's annotations ([] when none); a damaged one is an error naming the annotation. */
export function readHistory(annotations: Record<string, string> | undefined, where: string): HistoryEntry[] {
  const raw = annotations?.[HISTORY_ANNOTATION];
  if (raw === undefined) return [];
  const fail = (why: string): never => {
    throw new GantryError(`${where}: annotation ${HISTORY_ANNOTATION}: ${why}; fix or remove it (it only feeds history)`);
  };
  let list: unknown;
  try {
    list = JSON.parse(raw);
  } catch {
    return fail("not JSON");
  }
  if (!Array.isArray(list)) return fail("not a JSON list");
  return list.map((item, i) => {
    if (!isRecord(item)) return fail(`entry ${i} is not an object`);
    const text = (k: string) => (typeof item[k] === "string" && item[k] !== "" ? (item[k] as string) : fail(`entry ${i}: ${k} is not text`));
    const time = (k: string) =>
      Number.isSafeInteger(item[k]) && (item[k] as number) >= 0 ? (item[k] as number) : fail(`entry ${i}: ${k} is not epoch milliseconds`);
    const outcome = item["outcome"];
    if (outcome !== "promoted" && outcome !== "aborted") return fail(`entry ${i}: outcome is not promoted or aborted`);
    return {
      revision: text("revision"),
      image: text("image"),
      outcome,
      startedAt: time("startedAt"),
      finishedAt: time("finishedAt"),
      ...(item["committedAt"] === undefined ? {} : { committedAt: time("committedAt") }),
      ...(item["reason"] === undefined ? {} : { reason: text("reason") }),
    };
  });
}

/** The entry for a rollout whose state has just become final (completed or aborted). */
export function historyEntry(state: RolloutState, finishedAt: number): HistoryEntry {
  const reason = state.phase === "aborted" && state.message ? { reason: state.message.slice(0, REASON_LIMIT) } : {};
  return {
    revision: state.revision,
    image: state.image,
    outcome: state.phase === "completed" ? "promoted" : "aborted",
    startedAt: Math.round(state.startedAt ?? state.stepStartedAt),
    finishedAt: Math.round(finishedAt),
    ...(state.committedAt === undefined ? {} : { committedAt: Math.round(state.committedAt) }),
    ...reason,
  };
}

/** The annotation value with `entry` appended, the oldest dropped past HISTORY_LIMIT. */
export function appendHistory(history: HistoryEntry[], entry: HistoryEntry): string {
  return JSON.stringify([...history, entry].slice(-HISTORY_LIMIT));
}
