import { ArgumentError, GantryError } from "../errors.js";
import { imagePlatforms, type ImagePlatform } from "./platforms.js";
import { imageName, isValidDigest, isValidTag, parseImageReference, type ImageReference } from "./reference.js";

export interface PublishInput {
  /** Where to push, without tag or digest: ghcr.io/acme/hello-api. */
  repository: string;
  tags: string[];
  platforms: string[];
  registryUser?: string;
  /** Whether a registry password (or token) secret was given. */
  hasPassword: boolean;
}

export interface PublishPlan {
  /** Host for withRegistryAuth: docker.io, ghcr.io, localhost:5000. */
  registry: string;
  /** Fully qualified repository: docker.io/acme/app for `acme/app`. */
  repository: string;
  /** One `repository:tag` per tag, in the order given. */
  refs: string[];
  platforms: ImagePlatform[];
  /** Present when the push authenticates; the password stays a secret in the Dagger layer. */
  credentials?: { username: string };
}

export function planPublish(input: PublishInput): PublishPlan {
  const target = bareRepository(input.repository);
  const repository = imageName(target);
  const tags = validTags(input.tags);
  const platforms = imagePlatforms(input.platforms);
  if (platforms.length === 0) throw new ArgumentError("platforms", "no platform to publish; expected at least one, e.g. linux/amd64");
  const username = credentialsUser(input.registryUser, input.hasPassword);
  return {
    registry: target.registry,
    repository,
    refs: tags.map((tag) => `${repository}:${tag}`),
    platforms,
    ...(username === undefined ? {} : { credentials: { username } }),
  };
}

/** `repository:tag@digest` for each tag: what a release note or a deploy step pins. */
export function formatDigestRefs(repository: string, tags: string[], digest: string): string[] {
  const name = imageName(bareRepository(repository));
  const checked = validateDigest(digest);
  return validTags(tags).map((tag) => `${name}:${tag}@${checked}`);
}

export function validateDigest(digest: string, argument = "digest"): string {
  if (!isValidDigest(digest)) {
    throw new ArgumentError(argument, `"${digest}" is not an image digest; expected sha256:<64 lowercase hex>`);
  }
  return digest;
}

function bareRepository(repository: string): ImageReference {
  const ref = parseImageReference(repository, "repository");
  if (ref.tag !== undefined || ref.digest !== undefined) {
    throw new ArgumentError(
      "repository",
      `"${repository}" includes a tag or digest; give the repository alone (e.g. ghcr.io/acme/hello-api) and the tags with --tags`,
    );
  }
  return ref;
}

function validTags(tags: string[]): string[] {
  if (tags.length === 0) throw new ArgumentError("tags", "no tags to push; expected at least one, e.g. 1.2.3");
  const bad = tags.find((t) => !isValidTag(t));
  if (bad !== undefined) throw new ArgumentError("tags", `"${bad}" is not a valid tag; expected [A-Za-z0-9_][A-Za-z0-9._-]{0,127}`);
  return [...new Set(tags)];
}

/** Rule: credentials come in pairs; half a login is a mistake, not an anonymous push. */
function credentialsUser(user: string | undefined, hasPassword: boolean): string | undefined {
  const username = user === undefined || user === "" ? undefined : user;
  if (username !== undefined && /\s/.test(username)) {
    throw new ArgumentError("registryUser", `"${username}" contains whitespace; expected a registry user name`);
  }
  if (username !== undefined && !hasPassword) {
    throw new ArgumentError(
      "registryPassword",
      `--registry-user ${username} was given without a password; pass the password or token as a secret, e.g. --registry-password env:REGISTRY_TOKEN`,
    );
  }
  if (username === undefined && hasPassword) {
    throw new ArgumentError("registryUser", "a registry password was given without a user; pass --registry-user too");
  }
  return username;
}

/**
 * Dagger's publish answers `ref@digest` for each tag pushed. Every tag of one image must name the
 * same digest; a difference means the registry holds two images and the release is not one thing.
 */
export function publishedDigest(published: string[]): string {
  const digests = [...new Set(published.map((ref) => validateDigest(ref.slice(ref.lastIndexOf("@") + 1), "published")))];
  if (digests.length !== 1) {
    throw new GantryError(`the tags were pushed with different digests (${digests.join(", ")}): ${published.join(", ")}`);
  }
  return digests[0]!;
}

/** A Docker config.json that logs tools such as cosign into one registry. */
export function dockerConfigJson(registry: string, username: string, password: string): string {
  const host = registry === "docker.io" ? "https://index.docker.io/v1/" : registry;
  return JSON.stringify({ auths: { [host]: { auth: Buffer.from(`${username}:${password}`).toString("base64") } } });
}

/** The host name of a registry (`gantry-registry:5000` -> `gantry-registry`): what a service bound for it is called. */
export function registryHostName(registry: string): string {
  return registry.replace(/:\d+$/, "");
}
