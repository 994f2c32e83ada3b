import { ArgumentError } from "../errors.js";

/** A target as the Go toolchain sees it: GOOS, GOARCH and the per-architecture level variable. */
export interface GoPlatform {
  os: string;
  arch: string;
  /** arm: v5/v6/v7 (GOARM); amd64: v1..v4 (GOAMD64). */
  variant?: string;
}

// The first-class ports plus the ones teams ship containers for (`go tool dist list` has more).
// Maps, not object literals: a user's "constructor/amd64" must not find Object.prototype members.
const PORTS = new Map<string, string[]>([
  ["linux", ["amd64", "arm64", "arm", "386", "ppc64le", "s390x", "riscv64", "loong64", "mips64le"]],
  ["darwin", ["amd64", "arm64"]],
  ["windows", ["amd64", "arm64", "386"]],
  ["freebsd", ["amd64", "arm64"]],
]);
const VARIANTS = new Map<string, string[]>([
  ["arm", ["v5", "v6", "v7"]],
  ["amd64", ["v1", "v2", "v3", "v4"]],
]);

export function parsePlatform(text: string, argument = "platforms"): GoPlatform {
  const [os = "", arch = "", variant, ...rest] = text.trim().split("/");
  const expected = `expected os/arch[/variant] such as linux/amd64, linux/arm64 or linux/arm/v7`;
  if (rest.length > 0 || !os || !arch) throw new ArgumentError(argument, `"${text}" is not a platform; ${expected}`);
  const arches = PORTS.get(os);
  if (!arches) throw new ArgumentError(argument, `"${text}": unknown OS "${os}"; expected one of ${[...PORTS.keys()].join(", ")}`);
  if (!arches.includes(arch)) {
    throw new ArgumentError(argument, `"${text}": Go does not build ${os}/${arch}; expected one of ${arches.map((a) => `${os}/${a}`).join(", ")}`);
  }
  if (variant !== undefined && !VARIANTS.get(arch)?.includes(variant)) {
    const allowed = VARIANTS.get(arch);
    throw new ArgumentError(argument, `"${text}": ${allowed ? `variant must be one of ${allowed.join(", ")}` : `${arch} takes no variant`}`);
  }
  return variant === undefined ? { os, arch } : { os, arch, variant };
}

/** Parses and de-duplicates a platform list; an empty list is an error, not "build nothing". */
export function parsePlatforms(list: string[], argument = "platforms"): GoPlatform[] {
  const items = list
    .flatMap((p) => p.split(","))
    .map((p) => p.trim())
    .filter(Boolean);
  if (items.length === 0) throw new ArgumentError(argument, "no platform given; expected e.g. linux/amd64");
  const seen = new Map<string, GoPlatform>();
  for (const item of items) {
    const platform = parsePlatform(item, argument);
    seen.set(formatPlatform(platform), platform);
  }
  return [...seen.values()];
}

export function formatPlatform(p: GoPlatform): string {
  return [p.os, p.arch, p.variant].filter(Boolean).join("/");
}

/** `linux_arm_v7`: the suffix of binary names, as GoReleaser and ko name per-platform outputs. */
export function platformSuffix(p: GoPlatform): string {
  return [p.os, p.arch, p.variant].filter(Boolean).join("_");
}

export function platformEnv(p: GoPlatform): Record<string, string> {
  const env: Record<string, string> = { GOOS: p.os, GOARCH: p.arch };
  if (p.variant && p.arch === "arm") env.GOARM = p.variant.slice(1);
  if (p.variant && p.arch === "amd64") env.GOAMD64 = p.variant;
  return env;
}
