import { ArgumentError } from "../errors.js";
import { publishedImageReference } from "./image-ref.js";

/** The Trivy release Gantry runs and parses; the host test builds the same version. */
export const TRIVY_VERSION = "0.74.0";
/**
 * Pinned scanner image for the container runs, the same version as TRIVY_VERSION. A plain literal:
 * the SDK's introspector reads function defaults from source and cannot evaluate a template.
 */
export const TRIVY_IMAGE = "aquasec/trivy:0.74.0";

/** Trivy's own defaults, in its order (trivy pkg/db/db.go, pkg/javadb/client.go). */
export const DEFAULT_DB_REPOSITORIES: readonly string[] = ["mirror.gcr.io/aquasec/trivy-db:2", "ghcr.io/aquasecurity/trivy-db:2"];
export const DEFAULT_JAVA_DB_REPOSITORIES: readonly string[] = ["mirror.gcr.io/aquasec/trivy-java-db:1", "ghcr.io/aquasecurity/trivy-java-db:1"];

/**
 * Trivy's exit code when vulnerabilities were found (`--exit-code`). Trivy exits 1 on any error and
 * Go exits 2 on a panic, so 5 tells findings apart from failures. The gate still reads the JSON.
 */
export const FINDINGS_EXIT_CODE = 5;

/** Environment variable carrying the caller's cache buster, so the engine re-runs the scan. */
export const CACHE_BUSTER_ENV = "GANTRY_SCAN_CACHE_BUSTER";

export type ScanTarget =
  /** A `docker save` tarball (what Dagger's asTarball writes) or an OCI layout directory; Trivy 0.74 reads no OCI layout tar. */
  | { kind: "image-archive"; path: string }
  /** An image pulled from its registry. */
  | { kind: "image"; ref: string }
  /** A source tree: lock files, go.mod, binaries. */
  | { kind: "fs"; dir: string }
  /** An unpacked root filesystem: OS packages plus everything `fs` finds. */
  | { kind: "rootfs"; dir: string };

export type Scanner = "vuln" | "secret" | "misconfig" | "license";

export interface TrivyScanOptions {
  target: ScanTarget;
  /** Where Trivy writes its JSON report. */
  outputPath: string;
  /** Holds the vulnerability DB (`<cacheDir>/db`); mount a persistent cache volume here. */
  cacheDir: string;
  /** Working directory: Trivy reads ./trivy.yaml and ./.trivyignore from it, so keep it clean. Default /tmp. */
  workdir?: string;
  /** Default ["vuln"]. */
  scanners?: readonly Scanner[];
  /** Vulnerability DB mirrors, tried in order. Default: Trivy's (mirror.gcr.io, then ghcr.io). */
  dbRepository?: readonly string[];
  /** Java DB mirrors (only downloaded when JARs are found), tried in order. */
  javaDbRepository?: readonly string[];
  /** Go duration, e.g. "10m". Default 10m. */
  timeout?: string;
  /** A .trivyignore or .trivyignore.yaml file Trivy applies before writing the report. */
  ignoreFile?: string;
  /** Use the DB already in cacheDir; fails if there is none. */
  skipDbUpdate?: boolean;
  skipJavaDbUpdate?: boolean;
  /** Don't ask package registries for dependency details (air-gapped runs). */
  offlineScan?: boolean;
  /** Any value that changes when the scan must re-run (e.g. the current time); sets CACHE_BUSTER_ENV. */
  cacheBuster?: string;
  /**
   * When the vulnerability DB cannot be downloaded from any mirror, pass with a "not scanned"
   * verdict instead of failing. Every other error still fails. Default false (fail closed).
   */
  failOpen?: boolean;
}

/** One run of Trivy: argv[0] is "trivy" (replace it with a binary path on a host). */
export interface TrivyInvocation {
  argv: string[];
  env: Record<string, string>;
  workdir: string;
  outputPath: string;
  /** The DB mirrors this attempt may download from, in Trivy's order. */
  dbRepositories: string[];
  javaDbRepositories: string[];
  cacheDir: string;
  timeout: string;
  attempt: number;
}

export interface TrivyPlan {
  /** Runs to try in order: the next one only after a DB download failure (see nextScanStep). */
  attempts: TrivyInvocation[];
  cacheDir: string;
  failOpen: boolean;
}

const DURATION = /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/;

/**
 * Plans the Trivy runs for one scan.
 *
 * Mirrors: Trivy takes a comma-separated list and tries the next repository only after a
 * *temporary* registry error (429 TOOMANYREQUESTS, 5xx, BLOB_UNKNOWN; trivy pkg/oci/artifact.go
 * shouldTryOtherRepo). Unreachable hosts, MANIFEST_UNKNOWN, DENIED or UNAUTHORIZED end the run on
 * the first mirror. So attempt i passes mirrors i..n to Trivy, and Gantry starts the next attempt
 * after any DB download failure: every mirror gets its turn, and attempt 0 is plain Trivy.
 */
export function planTrivyScan(options: TrivyScanOptions): TrivyPlan {
  const dbRepositories = checkRepositories(options.dbRepository ?? DEFAULT_DB_REPOSITORIES, "dbRepository");
  const javaDbRepositories = checkRepositories(options.javaDbRepository ?? DEFAULT_JAVA_DB_REPOSITORIES, "javaDbRepository");
  const timeout = options.timeout ?? "10m";
  if (!DURATION.test(timeout)) throw new ArgumentError("timeout", `"${timeout}" is not a duration such as 10m or 90s`);
  requirePath(options.outputPath, "outputPath");
  requirePath(options.cacheDir, "cacheDir");
  const scanners = options.scanners ?? ["vuln"];
  if (scanners.length === 0) throw new ArgumentError("scanners", "at least one scanner is needed, e.g. vuln");

  const skipDbUpdate = options.skipDbUpdate ?? false;
  const skipJavaDbUpdate = options.skipJavaDbUpdate ?? false;
  const downloads = Math.max(skipDbUpdate ? 1 : dbRepositories.length, skipJavaDbUpdate ? 1 : javaDbRepositories.length);

  const attempts = Array.from({ length: downloads }, (_, attempt) => {
    const db = dbRepositories.slice(Math.min(attempt, dbRepositories.length - 1));
    const javaDb = javaDbRepositories.slice(Math.min(attempt, javaDbRepositories.length - 1));
    const argv = [
      "trivy",
      ...targetArgs(options.target),
      "--scanners",
      scanners.join(","),
      "--format",
      "json",
      "--output",
      options.outputPath,
      "--exit-code",
      String(FINDINGS_EXIT_CODE),
      "--cache-dir",
      options.cacheDir,
      "--timeout",
      timeout,
      "--db-repository",
      db.join(","),
      "--java-db-repository",
      javaDb.join(","),
      // Package lists make the JSON many times larger and no Gantry report uses them.
      "--list-all-pkgs=false",
      "--no-progress",
      "--skip-version-check",
      "--disable-telemetry",
      ...(options.ignoreFile ? ["--ignorefile", options.ignoreFile] : []),
      ...(skipDbUpdate ? ["--skip-db-update"] : []),
      ...(skipJavaDbUpdate ? ["--skip-java-db-update"] : []),
      ...(options.offlineScan ? ["--offline-scan"] : []),
      ...targetOperands(options.target),
    ];
    const env: Record<string, string> = options.cacheBuster === undefined ? {} : { [CACHE_BUSTER_ENV]: options.cacheBuster };
    const workdir = options.workdir ?? "/tmp";
    const cacheDir = options.cacheDir;
    return { argv, env, workdir, outputPath: options.outputPath, dbRepositories: db, javaDbRepositories: javaDb, cacheDir, timeout, attempt };
  });
  return { attempts, cacheDir: options.cacheDir, failOpen: options.failOpen ?? false };
}

function targetArgs(target: ScanTarget): string[] {
  switch (target.kind) {
    case "image-archive":
      // Image mode keeps a layer cache in --cache-dir by default; a memory cache lets scans that
      // share one cache volume run side by side.
      return ["image", "--cache-backend", "memory"];
    case "image":
      return ["image", "--cache-backend", "memory", "--image-src", "remote"];
    case "fs":
      return ["fs"];
    case "rootfs":
      return ["rootfs"];
  }
}

/** The target goes last, after every flag. */
function targetOperands(target: ScanTarget): string[] {
  switch (target.kind) {
    case "image-archive":
      requirePath(target.path, "imageArchive");
      return ["--input", target.path];
    case "image":
      publishedImageReference(target.ref, "imageRef");
      return [target.ref];
    case "fs":
      requirePath(target.dir, "dir");
      return [target.dir];
    case "rootfs":
      requirePath(target.dir, "rootfs");
      return [target.dir];
  }
}

function checkRepositories(repositories: readonly string[], argument: string): string[] {
  const list = repositories
    .flatMap((r) => r.split(","))
    .map((r) => r.trim())
    .filter((r) => r !== "");
  if (list.length === 0) throw new ArgumentError(argument, "at least one repository is needed, e.g. ghcr.io/aquasecurity/trivy-db:2");
  for (const repository of list) publishedImageReference(repository, argument);
  return list;
}

function requirePath(path: string, argument: string): void {
  if (path.trim() === "") throw new ArgumentError(argument, "a path is required");
  if (path.startsWith("-")) throw new ArgumentError(argument, `"${path}" would be read as a flag; give a path`);
}
