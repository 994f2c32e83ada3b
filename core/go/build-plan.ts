import { ArgumentError } from "../errors.js";
import { goEnv, normalizePackage, type GoSettings } from "./env.js";
import type { GoMod } from "./gomod.js";
import { formatPlatform, parsePlatforms, platformEnv, platformSuffix } from "./platform.js";

export interface BuildRequest extends GoSettings {
  module: GoMod;
  /** The main package, relative to the module root. */
  pkg: string;
  platforms: string[];
  /** The engine's own platform: the only target cgo can build without a cross C toolchain. */
  nativePlatform: string;
  /** Binary name; defaults to the main package's directory or the module's last path element. */
  name?: string;
  version?: string;
  commit?: string;
  date?: string;
  /** Package whose `version`, `commit` and `date` variables are stamped with -X. */
  stampPackage?: string;
  /** Extra -X stamps, as `importpath.name=value`. */
  values?: string[];
  /** Extra linker flags, appended after Gantry's. */
  ldflags?: string[];
  tags?: string[];
  /** Where binaries are written. */
  outputDir?: string;
}

export interface BuildStep {
  platform: string;
  /** File name inside the output directory: `<name>_<os>_<arch>[_<variant>][.exe]`. */
  output: string;
  argv: string[];
  env: Record<string, string>;
}

export interface BuildPlan {
  name: string;
  /** The main package as the go command is given it: . or ./cmd/api */
  pkg: string;
  outputDir: string;
  ldflags: string;
  steps: BuildStep[];
}

export const BUILD_OUTPUT_DIR = "/gantry/dist";

export function planBuild(req: BuildRequest): BuildPlan {
  const pkg = normalizePackage(req.pkg, "pkg");
  const name = binaryName(req.name, pkg, req.module.module);
  const platforms = parsePlatforms(req.platforms);
  if (req.cgo) {
    const foreign = platforms.map(formatPlatform).filter((p) => p !== req.nativePlatform);
    if (foreign.length > 0) {
      throw new ArgumentError(
        "platforms",
        `cgo builds only for the engine's platform ${req.nativePlatform} (no C cross-compiler); drop ${foreign.join(", ")} or build without cgo`,
      );
    }
  }
  const ldflags = linkerFlags(req);
  const tags = buildTags(req.tags ?? []);
  const outputDir = req.outputDir ?? BUILD_OUTPUT_DIR;
  const steps = platforms.map((platform): BuildStep => {
    const output = `${name}_${platformSuffix(platform)}${platform.os === "windows" ? ".exe" : ""}`;
    const argv = ["go", "build", "-trimpath", "-buildvcs=false", "-ldflags", ldflags];
    if (tags) argv.push("-tags", tags);
    argv.push("-o", `${outputDir}/${output}`, pkg);
    return { platform: formatPlatform(platform), output, argv, env: { ...goEnv(req), ...platformEnv(platform) } };
  });
  return { name, pkg, outputDir, ldflags, steps };
}

function binaryName(explicit: string | undefined, pkg: string, modulePath: string): string {
  if (explicit) {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(explicit)) {
      throw new ArgumentError("name", `"${explicit}" is not a file name (letters, digits, '.', '_' and '-')`);
    }
    return explicit;
  }
  if (pkg !== ".") return pkg.split("/").pop()!;
  // github.com/acme/api/v2 names its binary "api", as `go install` does.
  const parts = modulePath.split("/");
  const last = parts.pop()!;
  return /^v\d+$/.test(last) && parts.length > 0 ? parts.pop()! : last;
}

/** `-s -w` strips symbols and DWARF; -X stamps version, commit and date (GoReleaser's variable names). */
function linkerFlags(req: BuildRequest): string {
  const stamp = req.stampPackage ?? "main";
  const stamps: string[] = [];
  const add = (key: string, value: string | undefined, argument: string) => {
    if (value === undefined || value === "") return;
    if (/[\s'"]/.test(value)) throw new ArgumentError(argument, `"${value}" cannot contain spaces or quotes: it is passed to the linker with -X`);
    stamps.push(`-X ${key}=${value}`);
  };
  add(`${stamp}.version`, req.version, "version");
  add(`${stamp}.commit`, req.commit, "commit");
  add(`${stamp}.date`, req.date, "date");
  for (const value of req.values ?? []) {
    const eq = value.indexOf("=");
    if (eq <= 0 || !value.slice(0, eq).includes(".")) {
      throw new ArgumentError("values", `"${value}" must look like importpath.name=value, e.g. main.env=prod`);
    }
    add(value.slice(0, eq), value.slice(eq + 1), "values");
  }
  return ["-s", "-w", ...stamps, ...(req.ldflags ?? [])].join(" ");
}

export function buildTags(tags: string[]): string {
  const list = tags
    .flatMap((t) => t.split(","))
    .map((t) => t.trim())
    .filter(Boolean);
  for (const tag of list) {
    if (!/^[A-Za-z0-9_.]+$/.test(tag)) throw new ArgumentError("tags", `"${tag}" is not a build tag (letters, digits, '_' and '.')`);
  }
  return [...new Set(list)].join(",");
}
