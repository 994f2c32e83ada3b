import { rfc3339, validateCommit, validateSourceDateEpoch } from "./image/commit.js";
import { releaseVersion } from "./image/tags.js";

/** What identifies one release of the service, as the Gantry constructor was given it. */
export interface ReleaseInput {
  version?: string;
  /** Git ref being built (refs/tags/v1.2.3, refs/heads/main, refs/pull/12/merge). */
  ref?: string;
  commit?: string;
  /** Commit time in Unix seconds; 0 means unknown. */
  sourceDateEpoch?: number;
}

/** The same identity stamped into the binary (-X), the image labels and the tags. */
export interface Release {
  version?: string;
  commit?: string;
  /** RFC 3339 commit time, stamped as the build date. */
  date?: string;
  sourceDateEpoch?: number;
}

export function resolveRelease(input: ReleaseInput): Release {
  const epoch = input.sourceDateEpoch ? validateSourceDateEpoch(input.sourceDateEpoch) : undefined;
  return {
    version: releaseVersion({ ref: input.ref || undefined, version: input.version || undefined }),
    commit: input.commit ? validateCommit(input.commit) : undefined,
    date: epoch === undefined ? undefined : rfc3339(epoch),
    sourceDateEpoch: epoch,
  };
}
