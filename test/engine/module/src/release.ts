// The release every check builds: pinned, so every timestamp and label in the image is fixed and
// nothing is read from the checkout's git (which a module's context directory may not carry).
import { dag, type Gantry } from "@dagger.io/dagger";

export const RELEASE = {
  ref: "refs/tags/v1.2.3",
  version: "1.2.3",
  commit: "0123456789abcdef0123456789abcdef01234567",
  sourceDateEpoch: 1763769600,
  /** What the checkout would list as already released, so tags are decided without git. */
  releasedVersions: ["1.2.2"],
} as const;

/** The Gantry module configured with the pinned release and the repository's pipeline file. */
export function gantry(): Gantry {
  return dag.gantry({
    config: "pipelines/gantry.yaml",
    ref: RELEASE.ref,
    version: RELEASE.version,
    commit: RELEASE.commit,
    sourceDateEpoch: RELEASE.sourceDateEpoch,
  });
}

/** The commit time as RFC 3339 in UTC, as the image's created label writes it. */
export function releaseTime(): string {
  return new Date(RELEASE.sourceDateEpoch * 1000).toISOString().replace(".000Z", "Z");
}
