import { GantryError } from "../errors.js";
import type { GitFacts } from "../git/facts.js";
import { refFromGit, releasedVersions } from "../git/facts.js";
import { computeTags } from "../image/tags.js";
import { resolveRelease, type Release } from "../release.js";

/** What the caller said about the release, overriding what git says. Empty means "ask git". */
export interface ReleaseOverrides {
  ref?: string;
  version?: string;
  commit?: string;
  sourceDateEpoch?: number;
  releasedVersions?: string[];
}

export interface ResolvedRelease extends Release {
  /** refs/tags/v1.2.3, refs/heads/main, refs/pull/12/merge; absent when neither git nor the caller knows. */
  ref?: string;
  /** Versions already released, so latest only moves forward; throws when a shallow clone cannot tell. */
  releasedVersions: () => string[];
}

/** The release identity: arguments first, then the checkout's git, else unknown (no sha tag, time 0). */
export function releaseFor(overrides: ReleaseOverrides, git: GitFacts | undefined): ResolvedRelease {
  const ref = overrides.ref || (git ? refFromGit(git) : undefined);
  const release = resolveRelease({
    ref,
    version: overrides.version || undefined,
    commit: overrides.commit || git?.commit,
    sourceDateEpoch: overrides.sourceDateEpoch || git?.commitTime,
  });
  const given = overrides.releasedVersions;
  return {
    ...release,
    ref,
    releasedVersions: () => {
      if (given && given.length > 0) return given;
      if (git) return releasedVersions(git);
      throw new GantryError(
        "cannot tell which versions were already released (the source has no .git), so latest could move backwards; pass --released-versions, e.g. \"$(git tag -l 'v*' | paste -sd, -)\"",
      );
    },
  };
}

/** The tags one publish pushes: the release's, moving only forward past the released versions, plus the file's templates. */
export function releaseTags(release: ResolvedRelease, templates: string[]): string[] {
  return computeTags({
    ref: release.ref,
    version: release.version,
    commit: release.commit,
    existingVersions: release.version ? release.releasedVersions() : [],
    templates,
    sourceDateEpoch: release.sourceDateEpoch,
  });
}
