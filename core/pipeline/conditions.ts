// Which refs a stage runs for. The ref is read as core/image/tags.ts reads it for tagging,
// so "a tag" means the same thing to the condition and to the tags it produces.
import type { GitRefName } from "../image/tags.js";
import { matchesRefPattern } from "./ref-pattern.js";
import type { StageCondition } from "./stage-schema.js";

/** Whether a stage with condition `when` runs for `ref`; no condition runs for every ref, no ref matches no condition. */
export function conditionMatches(when: StageCondition | undefined, ref: GitRefName | undefined, defaultBranch: string): boolean {
  if (!when) return true;
  if (!ref) return false;
  if (ref.kind === "pull") return when.pullRequests === true;
  if (ref.kind === "tag") return (when.tags ?? []).some((p) => matchesRefPattern(ref.name, p));
  return (when.defaultBranch === true && ref.name === defaultBranch) || (when.branches ?? []).some((p) => matchesRefPattern(ref.name, p));
}

/** "the default branch, branches release/*, tags v*, pull requests" */
export function describeCondition(when: StageCondition): string {
  return [
    when.defaultBranch ? "the default branch" : "",
    when.branches?.length ? `branches ${when.branches.join(", ")}` : "",
    when.tags?.length ? `tags ${when.tags.join(", ")}` : "",
    when.pullRequests ? "pull requests" : "",
  ]
    .filter(Boolean)
    .join("; ");
}

export function describeRef(ref: GitRefName | undefined): string {
  if (!ref) return "no ref (pass --ref)";
  return ref.kind === "pull" ? `pull request ${ref.number}` : `${ref.kind} ${ref.name}`;
}
