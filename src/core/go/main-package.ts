import { ArgumentError, FileError } from "../errors.js";

/** A source without go.mod is not a Go module: say so before any container runs. */
export function requireGoMod(entries: string[], argument = "source"): void {
  if (!entries.includes("go.mod")) {
    throw new ArgumentError(argument, `no go.mod at the root of the source directory (found: ${entries.slice(0, 8).join(", ") || "nothing"}); point --source at a Go module`);
  }
}

/**
 * Checks that the main package directory holds non-test Go files, given the file names found
 * there, so a typo in --pkg fails with a clear message instead of a go build error in a container.
 */
export function requireGoFiles(pkg: string, files: string[]): void {
  const sources = files.filter((f) => f.endsWith(".go") && !f.endsWith("_test.go"));
  if (sources.length === 0) {
    throw new ArgumentError("pkg", `no Go source files in ${pkg}; expected the directory of a main package, such as . or ./cmd/api`);
  }
}

/** Reads a main package's declared package name from one of its files. */
export function requireMainPackage(pkg: string, file: string, text: string): void {
  const m = /^\s*package\s+(\w+)/m.exec(text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, ""));
  if (!m) throw new FileError(file, "no package clause", undefined, "package");
  if (m[1] !== "main") {
    throw new ArgumentError("pkg", `${pkg} is package ${m[1]}, not a main package; point --pkg at a directory with package main`);
  }
}
