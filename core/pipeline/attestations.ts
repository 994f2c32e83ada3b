// The inputs of publish's provenance and scan attestations, from the resolved pipeline: which
// settings are "the exact parameters" of a build is decided here, once.
import { sha256Digest } from "../image/oci/blob.js";
import { GANTRY_VERSION } from "../version.js";
import type { ImageDependency, ProvenanceInput } from "../supply/provenance.js";
import type { ResolvedRelease } from "./release.js";
import type { Pipeline } from "./schema.js";

export interface BuiltImageFacts {
  platforms: string[];
  tags: string[];
  /** The Go toolchain image and every base image, by digest. */
  images: ImageDependency[];
}

/**
 * The provenance of one publish. Parameters are the settings that shape the pushed image (name,
 * source, go, image), the platforms and tags, and the release; test and scan settings are not
 * build parameters (the scan attestation carries the gate's).
 */
export function provenanceInputFor(
  pipeline: Pipeline,
  file: { path: string; text: string },
  release: ResolvedRelease,
  built: BuiltImageFacts,
): ProvenanceInput {
  return {
    builderId: pipeline.publish.builderId,
    repository: pipeline.image.sourceUrl,
    commit: release.commit ?? "",
    ref: release.ref,
    pipeline: { path: file.path, sha256: sha256Digest(file.text).slice("sha256:".length) },
    parameters: {
      name: pipeline.name,
      source: pipeline.source,
      go: pipeline.go,
      image: pipeline.image,
      platforms: built.platforms,
      tags: built.tags,
      version: release.version,
      sourceDateEpoch: release.sourceDateEpoch,
      repository: pipeline.publish.repository,
    },
    images: built.images,
    gantryVersion: GANTRY_VERSION,
  };
}
