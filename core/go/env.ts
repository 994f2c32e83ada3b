import { ArgumentError } from "../errors.js";
import { trimTrailing } from "../text.js";

/** Settings shared by every Go command Gantry runs, set once on the Gantry object. */
export interface GoSettings {
  /** Unset means derived: off, unless the race detector needs it. */
  cgo?: boolean;
  /** Comma-separated module path globs fetched directly, not through the proxy or checksum DB. */
  goprivate?: string;
}

/** Environment for a go command. GOTOOLCHAIN=local: never download a toolchain behind the user's back. */
export function goEnv(settings: GoSettings, needsCgo = false): Record<string, string> {
  if (needsCgo && settings.cgo === false) {
    throw new ArgumentError("race", "the race detector needs cgo, but --cgo=false was given; drop one of them");
  }
  const cgo = settings.cgo ?? needsCgo;
  const env: Record<string, string> = { CGO_ENABLED: cgo ? "1" : "0", GOTOOLCHAIN: "local" };
  const goprivate = (settings.goprivate ?? "").trim();
  if (goprivate) {
    if (/\s/.test(goprivate))
      throw new ArgumentError("goprivate", `"${goprivate}" must be comma-separated module globs without spaces, e.g. github.com/acme/*`);
    env.GOPRIVATE = goprivate;
  }
  return env;
}

/** Where the cache volumes go inside the golang image (its GOPATH is /go). */
export const GO_MODULE_CACHE_PATH = "/go/pkg/mod";
export const GO_BUILD_CACHE_PATH = "/root/.cache/go-build";

/** Default cache volume names: namespaced so they never collide with another module's. */
export const GO_MODULE_CACHE_NAME = "gantry-go-mod";
export const GO_BUILD_CACHE_NAME = "gantry-go-build";

/**
 * Normalises a package argument to the form the go command takes relative to the module root
 * ("." or "./cmd/api"). Absolute paths and parent directories would escape the source.
 */
export function normalizePackage(pkg: string, argument: string): string {
  const trimmed = trimTrailing(pkg.trim(), "/");
  if (trimmed === "" || trimmed === ".") return ".";
  if (trimmed.startsWith("/") || trimmed.split("/").includes("..")) {
    throw new ArgumentError(argument, `"${pkg}" must be a path inside the module, such as . or ./cmd/api`);
  }
  return trimmed.startsWith("./") ? trimmed : `./${trimmed}`;
}
