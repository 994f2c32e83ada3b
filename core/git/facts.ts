// The release identity read from the repository itself (commit, commit time, ref, released versions),
// so that CI files need not pass it by hand. One script runs git in a container (or on a host) and
// prints key=value lines; the parsing and every decision happen here.
import { GantryError } from "../errors.js";
import { parseVersion } from "../image/tags.js";

/** What git says about HEAD and the repository's tags. */
export interface GitFacts {
  commit: string;
  /** Commit time, Unix seconds. */
  commitTime: number;
  /** The checked-out branch; absent on a detached HEAD (CI checkouts of tags and pull requests). */
  branch?: string;
  /** Tags pointing at HEAD. */
  headTags: string[];
  /** Every tag the clone knows. */
  tags: string[];
  /** A shallow clone may not know every tag, so released versions cannot be trusted from it. */
  shallow: boolean;
}

// safe.directory: the checkout belongs to another uid than the container's root.
const GIT = "git -c safe.directory='*'";
export const GIT_FACTS_SCRIPT = [
  "set -e",
  'cd "$1"',
  `echo "commit=$(${GIT} rev-parse HEAD)"`,
  `echo "time=$(${GIT} log -1 --format=%ct)"`,
  `echo "branch=$(${GIT} branch --show-current)"`,
  `echo "shallow=$(${GIT} rev-parse --is-shallow-repository)"`,
  `${GIT} tag --points-at HEAD | sed 's/^/head-tag=/'`,
  `${GIT} tag -l | sed 's/^/tag=/'`,
].join("\n");

/** argv that prints the facts of the repository at `dir`, for `sh` in any image with git. */
export function gitFactsArgv(dir: string): string[] {
  return ["sh", "-c", GIT_FACTS_SCRIPT, "gantry-git-facts", dir];
}

export function parseGitFacts(output: string): GitFacts {
  const facts: GitFacts = { commit: "", commitTime: 0, headTags: [], tags: [], shallow: false };
  for (const line of output.split("\n")) {
    const eq = line.indexOf("=");
    if (eq < 0) continue;
    const [key, value] = [line.slice(0, eq), line.slice(eq + 1).trim()];
    if (key === "commit") facts.commit = value;
    else if (key === "time") facts.commitTime = Number(value);
    else if (key === "branch" && value) facts.branch = value;
    else if (key === "shallow") facts.shallow = value === "true";
    else if (key === "head-tag" && value) facts.headTags.push(value);
    else if (key === "tag" && value) facts.tags.push(value);
  }
  if (!/^[0-9a-f]{40,64}$/.test(facts.commit) || !Number.isInteger(facts.commitTime) || facts.commitTime <= 0) {
    throw new GantryError(
      `could not read the commit from git (got ${JSON.stringify(output.slice(0, 200))}); pass --ref and the release yourself, or give --source a git checkout`,
    );
  }
  return facts;
}

/** The ref a build of HEAD stands for: a release tag at HEAD, else the branch; unknown on a detached HEAD. */
export function refFromGit(facts: GitFacts): string | undefined {
  // The same reading of a tag as the publish tags' (core/image/tags.ts): a "vv1.2.3" is no release.
  const versions = facts.headTags.flatMap((tag) => {
    const version = parseVersion(tag);
    return version ? [{ tag, version }] : [];
  });
  const newest = versions.sort((a, b) => b.version.compare(a.version))[0]?.tag;
  if (newest) return `refs/tags/${newest}`;
  if (facts.branch) return `refs/heads/${facts.branch}`;
  return undefined;
}

/**
 * The versions already released, from the repository's tags, so `latest`, `1` and `1.2` only move
 * forward. A shallow clone may miss some, and guessing could move `latest` backwards: refuse and
 * name the fix instead.
 */
export function releasedVersions(facts: GitFacts): string[] {
  if (facts.shallow) {
    throw new GantryError(
      "the clone is shallow, so git cannot list every released version and latest could move backwards; fetch the whole history " +
        "(GitHub: actions/checkout with fetch-depth: 0; GitLab: variables: GIT_DEPTH: 0) or pass --released-versions",
    );
  }
  return facts.tags.filter((t) => parseVersion(t) !== undefined);
}
