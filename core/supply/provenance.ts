// The SLSA provenance v1 predicate (https://slsa.dev/spec/v1.0/provenance) of one publish: who
// built (the builder id), from what (the repository at a commit, the pipeline file by digest), with
// which exact parameters, on which images (the Go toolchain and every base, by digest). Nothing in
// it reads a clock or the machine: the same commit, file and parameters give the same bytes.
import { GantryError } from "../errors.js";
import { isValidDigest } from "../image/reference.js";
import { canonicalJson } from "./canonical-json.js";

/** Gantry's build type: what externalParameters and internalParameters mean (documented in README.md, "Attestations"). */
export const GANTRY_BUILD_TYPE = "urn:gantry:build-type:go-service:v1";
/** The builder when nothing else claims the build: the Gantry module, run by whoever calls it (SLSA Build L1). */
export const DEFAULT_BUILDER_ID = "urn:gantry:builder:dagger-module";

export interface ImageDependency {
  /** What it is for: "go-toolchain" or "base linux/amd64". */
  name: string;
  /** The reference as configured (tag or digest). */
  ref: string;
  /** The digest it resolved to when built: sha256:… */
  digest: string;
}

export interface ProvenanceInput {
  builderId: string;
  /** The source repository as a URI, e.g. https://github.com/acme/api (the pipeline's image.sourceUrl). */
  repository: string;
  /** The commit built (40 or 64 hex digits). */
  commit: string;
  /** The git ref built: refs/heads/main, refs/tags/v1.2.3; absent when unknown. */
  ref?: string;
  /** The pipeline file, by its path in the repository and the sha256 of its bytes. */
  pipeline: { path: string; sha256: string };
  /** The exact parameters of the build: the resolved pipeline settings that shape the image, platforms, tags, version. */
  parameters: Record<string, unknown>;
  /** The Go toolchain image and every base image, by digest. */
  images: ImageDependency[];
  gantryVersion: string;
}

export interface ResourceDescriptor {
  name?: string;
  uri: string;
  digest: Record<string, string>;
}

export interface SlsaProvenance {
  buildDefinition: {
    buildType: string;
    externalParameters: {
      source: { repository: string; ref?: string; commit: string };
      pipeline: { path: string; sha256: string };
      parameters: Record<string, unknown>;
    };
    internalParameters: { gantryVersion: string };
    resolvedDependencies: ResourceDescriptor[];
  };
  runDetails: { builder: { id: string } };
}

const HEX_COMMIT = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/** The predicate, as an object; provenanceJson gives its bytes. */
export function buildProvenance(input: ProvenanceInput): SlsaProvenance {
  if (!input.repository) {
    throw new GantryError("the provenance names the repository it was built from: set image.sourceUrl in the pipeline file (e.g. https://github.com/acme/api)");
  }
  if (!HEX_COMMIT.test(input.commit))
    throw new GantryError(`the provenance needs the commit built, a full git hash; got "${input.commit}" (give --source a git checkout, or --commit)`);
  if (!/^[0-9a-f]{64}$/.test(input.pipeline.sha256)) throw new GantryError(`pipeline file digest "${input.pipeline.sha256}" is not a sha256 in hex`);
  for (const image of input.images) {
    if (!isValidDigest(image.digest) || !image.digest.startsWith("sha256:"))
      throw new GantryError(`${image.name} (${image.ref}): "${image.digest}" is not a sha256 digest`);
  }
  const images = [...input.images].sort((a, b) => a.name.localeCompare(b.name));
  return {
    buildDefinition: {
      buildType: GANTRY_BUILD_TYPE,
      externalParameters: {
        source: { repository: input.repository, ref: input.ref, commit: input.commit },
        pipeline: input.pipeline,
        parameters: input.parameters,
      },
      internalParameters: { gantryVersion: input.gantryVersion },
      resolvedDependencies: [
        { name: "source", uri: `git+${input.repository}${input.ref ? `@${input.ref}` : ""}`, digest: { gitCommit: input.commit } },
        ...images.map((i) => ({ name: i.name, uri: dockerUri(i.ref), digest: { sha256: i.digest.slice("sha256:".length) } })),
      ],
    },
    runDetails: { builder: { id: input.builderId } },
  };
}

export function provenanceJson(input: ProvenanceInput): string {
  return canonicalJson(buildProvenance(input));
}

/** A purl-like URI naming the image as configured (the digest is beside it). */
function dockerUri(ref: string): string {
  return `docker://${ref}`;
}
