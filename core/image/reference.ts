import { ArgumentError } from "../errors.js";

/**
 * An image reference split the way distribution/reference (the grammar Docker, containerd and every
 * registry client share) splits it, with Docker Hub names written out in full.
 */
export interface ImageReference {
  /** Registry host, with its port if any: `docker.io`, `ghcr.io`, `localhost:5000`. */
  registry: string;
  /** Path inside the registry: `library/nginx`, `acme/hello-api`. */
  repository: string;
  tag?: string;
  /** `sha256:<64 hex>` (or sha384/sha512). */
  digest?: string;
}

export const DOCKER_HUB = "docker.io";

const EXPECTED = "expected [registry/]repository[:tag][@sha256:<64 hex>], e.g. ghcr.io/acme/app:1.2.3";
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_COMPONENT = /^(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])$/;
const IPV6_HOST = /^\[[A-Fa-f0-9:]+\]$/;
const HEX_64 = /^[a-f0-9]{64}$/;
// go-digest only accepts algorithms it can verify, each with its exact lowercase hex length.
const DIGEST_HEX_LENGTH = new Map([
  ["sha256", 64],
  ["sha384", 96],
  ["sha512", 128],
]);
const NAME_MAX_LENGTH = 255;

/** An OCI tag: `[A-Za-z0-9_][A-Za-z0-9._-]{0,127}`. */
export function isValidTag(tag: string): boolean {
  return TAG.test(tag);
}

export function isValidDigest(digest: string): boolean {
  const [algorithm = "", hex = "", ...rest] = digest.split(":");
  return rest.length === 0 && hex.length === DIGEST_HEX_LENGTH.get(algorithm) && /^[a-f0-9]+$/.test(hex);
}

/**
 * Parses `[registry/]repository[:tag][@digest]`. Like `docker pull`, a first path component without a
 * `.` or `:` (and not `localhost`) is a Docker Hub repository, and one-component Hub names live under
 * `library/`: `nginx` is `docker.io/library/nginx`.
 */
export function parseImageReference(text: string, argument = "image"): ImageReference {
  const fail = (why: string) => new ArgumentError(argument, `"${text}" is not a valid image reference: ${why}; ${EXPECTED}`);
  if (text === "") throw fail("it is empty");
  if (/\s/.test(text)) throw fail("it contains whitespace");
  // Docker refuses bare 64-hex names: they would be mistaken for image IDs.
  if (HEX_64.test(text)) throw fail("a 64-character hex string is an image ID, not a name");

  const [withTag, digest, ...extraAt] = text.split("@");
  if (extraAt.length > 0) throw fail("it contains more than one @");
  if (digest !== undefined && !isValidDigest(digest)) {
    throw fail(`"${digest}" is not a digest (sha256:<64 lowercase hex>, sha384:<96> or sha512:<128>)`);
  }

  const { name, tag } = splitTag(withTag ?? "");
  if (tag !== undefined && !isValidTag(tag)) throw fail(`"${tag}" is not a valid tag ([A-Za-z0-9_][A-Za-z0-9._-]{0,127})`);

  const { registry, repository } = splitRegistry(name);
  const registryProblem = hostProblem(registry);
  if (registryProblem) throw fail(registryProblem);
  const repositoryProblem = pathProblem(repository);
  if (repositoryProblem) throw fail(repositoryProblem);
  if (registry.length + 1 + repository.length > NAME_MAX_LENGTH) {
    throw fail(`the name is longer than ${NAME_MAX_LENGTH} characters`);
  }

  return { registry, repository, ...(tag === undefined ? {} : { tag }), ...(digest === undefined ? {} : { digest }) };
}

/** Why `text` is not an image reference (distribution/reference's grammar), or undefined when it is one. */
export function imageReferenceProblem(text: string): string | undefined {
  try {
    parseImageReference(text);
    return undefined;
  } catch (e) {
    return (e as ArgumentError).problem;
  }
}

/** Why `text` is not a repository to push to (a reference without tag or digest), or undefined. */
export function repositoryProblem(text: string): string | undefined {
  const problem = imageReferenceProblem(text);
  if (problem) return problem;
  const ref = parseImageReference(text);
  if (ref.tag !== undefined || ref.digest !== undefined)
    return `"${text}" names a tag or digest; a repository is [registry/]path without them (tags come from publish.tags)`;
  return undefined;
}

/** `registry/repository`, the part push and pull commands take before `:tag` or `@digest`. */
export function imageName(ref: ImageReference): string {
  return `${ref.registry}/${ref.repository}`;
}

export function formatImageReference(ref: ImageReference): string {
  return imageName(ref) + (ref.tag === undefined ? "" : `:${ref.tag}`) + (ref.digest === undefined ? "" : `@${ref.digest}`);
}

function splitTag(text: string): { name: string; tag?: string } {
  // A tag's colon comes after the last slash; an earlier colon is a registry port (localhost:5000/app).
  const colon = text.indexOf(":", text.lastIndexOf("/") + 1);
  return colon === -1 ? { name: text } : { name: text.slice(0, colon), tag: text.slice(colon + 1) };
}

function splitRegistry(name: string): ImageReference {
  const slash = name.indexOf("/");
  const first = name.slice(0, Math.max(slash, 0));
  const isHost = slash !== -1 && (/[.:]/.test(first) || first === "localhost" || first !== first.toLowerCase());
  let registry = isHost ? first : DOCKER_HUB;
  let repository = isHost ? name.slice(slash + 1) : name;
  if (registry === "index.docker.io") registry = DOCKER_HUB;
  if (registry === DOCKER_HUB && !repository.includes("/")) repository = `library/${repository}`;
  return { registry, repository };
}

function hostProblem(registry: string): string | undefined {
  const portAt = registry.startsWith("[") ? registry.indexOf("]:") + 1 : registry.lastIndexOf(":");
  const host = portAt > 0 ? registry.slice(0, portAt) : registry;
  const port = portAt > 0 ? registry.slice(portAt + 1) : undefined;
  if (port !== undefined && !/^[0-9]+$/.test(port)) return `registry port "${port}" is not a number`;
  if (IPV6_HOST.test(host)) return undefined;
  if (!host.split(".").every((c) => DOMAIN_COMPONENT.test(c))) return `registry host "${host}" is not a host name`;
  return undefined;
}

function pathProblem(repository: string): string | undefined {
  for (const component of repository.split("/")) {
    if (component === "") return "the repository path has an empty component";
    if (component !== component.toLowerCase()) return `repository path "${repository}" must be lowercase`;
    if (!PATH_COMPONENT.test(component)) {
      return `"${component}" is not a path component (lowercase letters and digits, separated by ".", "_", "__" or "-")`;
    }
  }
  return undefined;
}
