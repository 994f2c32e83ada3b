import { ArgumentError, FileError } from "../errors.js";

/** The parts of go.mod that decide how Gantry builds: the module path and the Go toolchain. */
export interface GoMod {
  module: string;
  /** The `go` line: the minimum language version, e.g. "1.26" or "1.26.0". */
  go: string;
  /** The `toolchain` line without its "go" prefix, e.g. "1.26.8". */
  toolchain?: string;
}

// Release versions (1.26, 1.26.3) and pre-releases (1.27rc1, 1.27beta2), as the go command spells them.
const GO_VERSION = /^1\.(\d+)(?:\.(\d+))?(?:(rc|beta)(\d+))?$/;

export function isGoVersion(version: string): boolean {
  return GO_VERSION.test(version);
}

export function parseGoMod(text: string, file = "go.mod"): GoMod {
  let module: string | undefined;
  let go: string | undefined;
  let toolchain: string | undefined;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/\/\/.*$/, "").trim();
    const [keyword, value, ...rest] = line.split(/\s+/);
    if (value === undefined || rest.length > 0) return;
    const lineNo = index + 1;
    if (keyword === "module") module = value.replace(/^"(.*)"$/, "$1");
    if (keyword === "go") {
      if (!isGoVersion(value)) throw new FileError(file, `"${value}" is not a Go version (expected e.g. 1.26 or 1.26.3)`, lineNo, "go");
      go = value;
    }
    if (keyword === "toolchain" && value !== "default") {
      const version = value.replace(/^go/, "").replace(/\+.*$/, "");
      if (!value.startsWith("go") || !isGoVersion(version)) {
        throw new FileError(file, `"${value}" is not a toolchain name (expected e.g. go1.26.3)`, lineNo, "toolchain");
      }
      toolchain = version;
    }
  });
  if (!module) throw new FileError(file, "no module line: is this the root of a Go module?", undefined, "module");
  // A go.mod without a go line means Go 1.16 semantics to the go command.
  return { module, go: go ?? "1.16", toolchain };
}

/**
 * The Go version to build with. An explicit override wins; then the toolchain line, which pins an
 * exact release. The go line is only a minimum, so it selects the newest patch of its minor
 * (golang:1.26): an old patch would carry standard-library CVEs that the scan gate then fails on.
 */
export function resolveGoVersion(mod: GoMod, override = ""): string {
  if (override) {
    if (!isGoVersion(override)) {
      throw new ArgumentError("goVersion", `"${override}" is not a Go version (expected e.g. 1.26 or 1.26.3)`);
    }
    return override;
  }
  if (mod.toolchain && compareGoVersions(mod.toolchain, mod.go) >= 0) return mod.toolchain;
  const m = GO_VERSION.exec(mod.go);
  return m && !m[3] ? `1.${m[1]}` : mod.go;
}

/** The default Go toolchain image for a version; users point `goImage` at a mirror to replace it. */
export function defaultGoImage(version: string): string {
  return `golang:${version}`;
}

function compareGoVersions(a: string, b: string): number {
  const key = (v: string) => {
    const m = GO_VERSION.exec(v);
    if (!m) return [0, 0, 0];
    // A pre-release sorts before the .0 release of its minor.
    const pre = m[3] ? (m[3] === "beta" ? -200 : -100) + Number(m[4]) : 0;
    return [Number(m[1]), Number(m[2] ?? 0), pre];
  };
  const [ka, kb] = [key(a), key(b)];
  for (let i = 0; i < 3; i++) if (ka[i] !== kb[i]) return ka[i]! - kb[i]!;
  return 0;
}
