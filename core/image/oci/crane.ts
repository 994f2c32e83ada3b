import { GantryError } from "../../errors.js";
import type { RuntimeBase } from "../bases.js";
import type { ImagePlatform } from "../platforms.js";
import { formatDigestRefs, validateDigest, type PublishPlan } from "../publish.js";
import { imageName, parseImageReference } from "../reference.js";
import type { ToolRun } from "../tool-run.js";

/**
 * crane, go-containerregistry's registry client: the image Gantry runs it from in a container and
 * the version scripts/install-crane.sh builds for the host tests.
 */
export const CRANE_VERSION = "v0.21.9";
export const CRANE_IMAGE = `gcr.io/go-containerregistry/crane:${CRANE_VERSION}`;

/** crane reads logins from $DOCKER_CONFIG/config.json (see publish.ts dockerConfigJson); never from argv. */
export const DOCKER_CONFIG_DIR = "/gantry/docker";
export const DOCKER_CONFIG_FILE = `${DOCKER_CONFIG_DIR}/config.json`;

/** --insecure: plain HTTP, for a registry running as a Dagger service (the engine's network has no TLS for it). */
function crane(args: string[], authenticated: boolean, plainHttp = false): ToolRun {
  return {
    tool: "crane",
    image: CRANE_IMAGE,
    args: plainHttp ? ["--insecure", ...args] : args,
    env: authenticated ? { DOCKER_CONFIG: DOCKER_CONFIG_DIR } : {},
    secretEnv: [],
  };
}

/**
 * Asks the registry which manifest the base's reference names for one platform today. Run it every
 * time (a tag moves); the pull that follows is by that digest, so it may be cached.
 */
export function planBaseDigest(base: RuntimeBase, platform: ImagePlatform, authenticated = false): ToolRun {
  return crane(["digest", `--platform=${platform}`, pullable(base).ref], authenticated);
}

/** Which digest an image reference names today (its index for a multi-platform image): the Go toolchain's, for the provenance. */
export function planImageDigest(ref: string): ToolRun {
  parseImageReference(ref, "image");
  return crane(["digest", ref], false);
}

/** The platform manifest's digest from planBaseDigest's output. */
export function parseBaseDigest(stdout: string, base: RuntimeBase): string {
  const digest = stdout.trim();
  return validateDigest(digest, `base ${base.ref}`);
}

/**
 * Pulls one platform of the base, by the digest planBaseDigest found, into `dir` as an OCI image
 * layout. The layout keeps the registry's bytes: the manifest and config blobs are the ones served,
 * so their digests still hold.
 */
export function planBasePull(base: RuntimeBase, platform: ImagePlatform, digest: string, dir: string, authenticated = false): ToolRun {
  const pinned = `${imageName(parseImageReference(pullable(base).ref, "base"))}@${validateDigest(digest, `base ${base.ref}`)}`;
  return crane(["pull", "--format=oci", `--platform=${platform}`, pinned, dir], authenticated);
}

function pullable(base: RuntimeBase): RuntimeBase {
  if (base.kind === "scratch") throw new GantryError("scratch has no image to pull");
  return base;
}

/*
 * Why the registry ends up with Gantry's exact bytes (go-containerregistry v0.21.9):
 * - cmd/crane/cmd/push.go loadImage: a layout whose index.json has one index entry is pushed as
 *   layout.ImageIndex(digest) of that entry;
 * - pkg/v1/layout/index.go ImageIndex/RawManifest and image.go layoutImage.RawManifest return the blob
 *   files' bytes as read;
 * - pkg/v1/remote/write.go commitManifest PUTs RawManifest() unchanged (unpackTaggable hashes the same
 *   bytes), for the index and for each platform manifest.
 * test/host/oci-registry.test.ts checks it: `crane manifest` answers the core's text byte for byte.
 */
export interface LayoutPush {
  /** Pushes the layout's image index (the one entry of its index.json) as is, to the first tag. */
  push: ToolRun;
  /** Points every other tag at the same index by digest; nothing is uploaded again. */
  tags: ToolRun[];
  /** `repository:tag@digest` for each tag: what the push returns. */
  refs: string[];
}

export function planLayoutPush(publish: PublishPlan, layoutDir: string, digest: string, options: { plainHttp?: boolean } = {}): LayoutPush {
  validateDigest(digest);
  const tags = publish.refs.map((ref) => ref.slice(publish.repository.length + 1));
  const authenticated = publish.credentials !== undefined;
  const plainHttp = options.plainHttp ?? false;
  return {
    // Without --index crane pushes the index that index.json points to, byte for byte; with it, it would push index.json itself.
    push: crane(["push", layoutDir, publish.refs[0]!], authenticated, plainHttp),
    tags: tags.slice(1).map((tag) => crane(["tag", `${publish.repository}@${digest}`, tag], authenticated, plainHttp)),
    refs: formatDigestRefs(publish.repository, tags, digest),
  };
}

/** crane push prints `repository@digest`; anything but the digest Gantry computed means the registry holds other bytes. */
export function checkPushedDigest(stdout: string, digest: string): string {
  const printed = stdout.trim().split("\n").pop() ?? "";
  const pushed = printed.slice(printed.lastIndexOf("@") + 1);
  if (pushed !== digest) {
    throw new GantryError(`crane pushed ${printed || "nothing"}, but the image Gantry assembled is ${digest}`);
  }
  return pushed;
}
