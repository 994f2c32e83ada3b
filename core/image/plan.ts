import { posix } from "node:path";
import { ArgumentError } from "../errors.js";
import { NONROOT_UID, resolveBase, type BaseImageOverrides, type RuntimeBase } from "./bases.js";
import { validateSourceDateEpoch } from "./commit.js";
import { imageLabels, type LabelInput } from "./labels.js";
import { cleanAbsolutePath } from "./paths.js";
import { binaryFileName, imagePlatforms, isImagePlatform, type ImagePlatform } from "./platforms.js";
import { formatImageReference, parseImageReference } from "./reference.js";
import { sortedByKey } from "./records.js";
import { planRootfs, type Rootfs } from "./rootfs.js";

export const DEFAULT_PORT = 8080;

export interface ImagePlanOptions {
  /** Service name: the binary's name and the image title, e.g. hello-api. */
  name: string;
  /** distroless (default), scratch, alpine, or an image reference. */
  base?: string;
  baseImages?: BaseImageOverrides;
  /** Platforms the Go build produced binaries for, any OS. */
  builtPlatforms: string[];
  /** Platforms to put in the image; default every Linux platform that was built. */
  platforms?: string[];
  /** Port the service listens on; default 8080. */
  port?: number;
  /** Uid (and gid) to run as; default 65532. Never 0. */
  user?: number;
  /** Where the binary goes; default /app/<name>. */
  entrypoint?: string;
  /** Default: the entrypoint's directory. */
  workdir?: string;
  /** Default arguments after the entrypoint. */
  args?: string[];
  env?: Record<string, string>;
  /** Add /usr/share/zoneinfo when the base lacks it (or build with -tags timetzdata instead). */
  tzdata?: boolean;
  /** Commit time in Unix seconds: the image's `created` and file times. */
  sourceDateEpoch?: number;
  labels?: Omit<LabelInput, "sourceDateEpoch" | "baseName" | "baseDigest">;
}

export interface PlatformImage {
  platform: ImagePlatform;
  /** File in Gantry's build output: `hello-api_linux_arm_v7`. */
  binaryFile: string;
}

/** Everything the Dagger layer (and the Dockerfile renderer) needs to assemble the image. */
export interface ImagePlan {
  name: string;
  base: RuntimeBase;
  platforms: PlatformImage[];
  /** Path of the binary in the image; also the entrypoint. */
  binaryPath: string;
  entrypoint: string[];
  defaultArgs: string[];
  workdir: string;
  /** Sorted by name so the config does not depend on the order they were given in. */
  env: Record<string, string>;
  exposedPort: number;
  uid: number;
  /** `uid:gid` for withUser / USER. */
  user: string;
  rootfs: Rootfs;
  /** Image config labels (what `docker inspect` shows). */
  labels: Record<string, string>;
  /** The same keys as manifest annotations (what registries and `crane manifest` show). */
  annotations: Record<string, string>;
  sourceDateEpoch?: number;
}

export function planImage(options: ImagePlanOptions): ImagePlan {
  const name = serviceName(options.name);
  const base = resolveBase(options.base, options.baseImages);
  const uid = runtimeUid(options.user ?? base.user);
  const binary = binaryPath(options.entrypoint ?? `/app/${name}`);
  const epoch = options.sourceDateEpoch === undefined ? undefined : validateSourceDateEpoch(options.sourceDateEpoch);
  const labels = imageLabels({ ...options.labels, title: options.labels?.title ?? name, sourceDateEpoch: epoch, ...baseLabels(base) });
  return {
    name,
    base,
    platforms: selectPlatforms(options.platforms, options.builtPlatforms).map((platform) => ({ platform, binaryFile: binaryFileName(name, platform) })),
    binaryPath: binary,
    entrypoint: [binary],
    defaultArgs: [...(options.args ?? [])],
    workdir: cleanAbsolutePath(options.workdir ?? posix.dirname(binary), "workdir", "/app"),
    env: environment(options.env ?? {}),
    exposedPort: port(options.port ?? DEFAULT_PORT),
    uid,
    user: `${uid}:${uid}`,
    rootfs: planRootfs(base, uid, options.tzdata ?? false),
    labels,
    annotations: { ...labels },
    ...(epoch === undefined ? {} : { sourceDateEpoch: epoch }),
  };
}

function serviceName(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(name)) {
    throw new ArgumentError("name", `"${name}" cannot name a binary; expected letters, digits, ".", "_" and "-", e.g. hello-api`);
  }
  return name;
}

/** Rule: images never run as root. */
function runtimeUid(uid: number): number {
  if (uid === 0) throw new ArgumentError("user", `0 is root and Gantry images never run as root; use a non-root uid such as ${NONROOT_UID}`);
  if (!Number.isInteger(uid) || uid < 1 || uid > 2_147_483_647) {
    throw new ArgumentError("user", `${uid} is not a uid; expected a whole number from 1 to 2147483647, e.g. ${NONROOT_UID}`);
  }
  return uid;
}

function port(value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new ArgumentError("port", `${value} is not a port; expected a whole number from 1 to 65535`);
  }
  return value;
}

/** The binary's own path: a file, so never "/". */
function binaryPath(path: string): string {
  if (path === "/") throw new ArgumentError("entrypoint", `"/" is a directory; expected the binary's path, e.g. /app/hello-api`);
  return cleanAbsolutePath(path, "entrypoint", "/app/hello-api");
}

function selectPlatforms(requested: string[] | undefined, built: string[]): ImagePlatform[] {
  const builtImages = imagePlatforms(built.filter(isImagePlatform));
  if (requested === undefined || requested.length === 0) {
    if (builtImages.length > 0) return builtImages;
    throw new ArgumentError("platforms", `the build produced no Linux platform to make an image of (built: ${built.join(", ") || "none"})`);
  }
  const wanted = imagePlatforms(requested);
  const missing = wanted.find((p) => !builtImages.includes(p));
  if (missing) {
    throw new ArgumentError(
      "platforms",
      `${missing} was not built (built: ${built.join(", ") || "none"}); add it to the build's platforms or leave it out here`,
    );
  }
  return wanted;
}

function environment(env: Record<string, string>): Record<string, string> {
  for (const [key, value] of Object.entries(env)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      throw new ArgumentError("env", `"${key}" is not a variable name; expected letters, digits and "_", not starting with a digit`);
    }
    if (/[\u0000-\u001f\u007f]/.test(value)) {
      throw new ArgumentError("env", `the value of ${key} contains a control character such as a newline`);
    }
  }
  return sortedByKey(env);
}

function baseLabels(base: RuntimeBase): Pick<LabelInput, "baseName" | "baseDigest"> {
  if (base.kind === "scratch") return {};
  const { digest, ...named } = parseImageReference(base.ref, "base");
  return { baseName: formatImageReference(named), ...(digest === undefined ? {} : { baseDigest: digest }) };
}
