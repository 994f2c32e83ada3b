// "Built from this commit's ancestry": the provenance's commit must be the deployed checkout's HEAD
// or one of its ancestors. git answers with its exit status (merge-base --is-ancestor: 0 yes, 1 no,
// 128 when it does not know the commit, as in a shallow clone).
import { GantryError } from "../errors.js";

/** Whether the provenance's commit is in the history of the commit being deployed. */
export type Ancestry = "ancestor" | "not-ancestor" | "unknown-commit" | "not-checked";

export const isGitHash = (text: string): boolean => /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(text);

/** argv for any image with git, run against the checkout's .git at `gitDir`. */
export function ancestryArgv(gitDir: string, commit: string): string[] {
  if (!isGitHash(commit)) throw new GantryError(`"${commit}" is not a git commit hash`);
  // safe.directory: the checkout belongs to another uid than the container's user.
  return ["git", "-c", "safe.directory=*", "--git-dir", gitDir, "merge-base", "--is-ancestor", commit, "HEAD"];
}

export function ancestryFromStatus(status: number): Ancestry {
  if (status === 0) return "ancestor";
  if (status === 1) return "not-ancestor";
  return "unknown-commit";
}
