import { ArgumentError, FileError } from "../errors.js";

/** A source without go.mod is not a Go module: say so before any container runs. */
export function requireGoMod(entries: string[], argument = "source"): void {
  if (!entries.includes("go.mod")) {
    throw new ArgumentError(
      argument,
      `no go.mod at the root of the source directory (found: ${entries.slice(0, 8).join(", ") || "nothing"}); point --source at a Go module`,
    );
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
  const name = packageClause(text);
  if (name === undefined) throw new FileError(file, "no package clause", undefined, "package");
  if (name !== "main") {
    throw new ArgumentError("pkg", `${pkg} is package ${name}, not a main package; point --pkg at a directory with package main`);
  }
}

/**
 * The name in the package clause, which the Go spec puts first, after white space and comments only.
 * Plain scanning: regular expressions over comments and blank lines backtrack quadratically on long files.
 */
function packageClause(text: string): string | undefined {
  let i = skipSpaceAndComments(text, 0);
  if (i === undefined || !text.startsWith("package", i)) return undefined;
  i = skipSpaceAndComments(text, i + "package".length);
  if (i === undefined || i >= text.length || !isIdentifierChar(text[i]!) || /\d/.test(text[i]!)) return undefined;
  let end = i;
  while (end < text.length && isIdentifierChar(text[end]!)) end++;
  return text.slice(i, end);
}

function skipSpaceAndComments(text: string, from: number): number | undefined {
  let i = from;
  for (;;) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (text.startsWith("//", i)) {
      const eol = text.indexOf("\n", i);
      i = eol === -1 ? text.length : eol;
    } else if (text.startsWith("/*", i)) {
      const close = text.indexOf("*/", i + 2);
      if (close === -1) return undefined;
      i = close + 2;
    } else {
      return i;
    }
  }
}

function isIdentifierChar(c: string): boolean {
  return /[\p{L}\p{Nd}_]/u.test(c);
}
