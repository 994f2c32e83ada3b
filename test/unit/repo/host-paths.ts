import { readdirSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";

import ts from "typescript";

/**
 * Finds where a test, bench or script names a host path outside the repository, so a fresh clone runs
 * without anything beside it. Only places that reach the host file system count: module specifiers,
 * `new URL(x, import.meta.url)`, `file:` URLs, path arguments of fs/path calls and `cwd:` options
 * (system directories such as /proc and /etc allowed); in shell scripts, relative paths and paths anchored
 * at the script's directory or `$ROOT`, and absolute paths under the directories that hold the checkout.
 * Strings that are data (a container path like /work/sbom.json handed to a plan, a `../x/...` package
 * pattern a validation test expects to be refused) are not host paths and are not flagged.
 */

export interface Escape {
  file: string;
  line: number;
  path: string;
}

/** Calls whose string arguments are host paths (relative ones resolve against the working directory, the root). */
const HOST_PATH_CALLS = new Set([
  "readFileSync",
  "readFile",
  "readdirSync",
  "readdir",
  "existsSync",
  "statSync",
  "stat",
  "lstatSync",
  "writeFileSync",
  "writeFile",
  "mkdirSync",
  "mkdir",
  "rmSync",
  "rm",
  "cpSync",
  "cp",
  "copyFileSync",
  "createReadStream",
  "createWriteStream",
  "openSync",
  "open",
  "accessSync",
  "access",
  "realpathSync",
  "opendirSync",
  "symlinkSync",
  "chmodSync",
  "pathToFileURL",
  "fileURLToPath",
]);
const FILE_URL = /^file:\/\//;
const MODULE_CALLS = new Set(["require", "mock", "doMock", "importActual", "importMock"]);

/** System directories a test may read on the host (/proc/<pid>/stat, /etc/os-release): not beside the checkout. */
const SYSTEM_DIRS = ["/dev/", "/usr/", "/etc/", "/bin/", "/sbin/", "/lib/", "/tmp/", "/proc/", "/sys/", "/opt/", "/var/"];

function isSystemPath(path: string): boolean {
  return SYSTEM_DIRS.some((d) => `${path}/`.startsWith(d));
}

/** Under the checkout's own parent directory: a sibling of the repository, wherever it is cloned. */
function besideCheckout(path: string, root: string): boolean {
  return !outside(path, dirname(root));
}

/** The directories above the root, nearest first, without "/": /work/wt and /work for /work/wt/coredefects. */
function ancestors(root: string): string[] {
  const dirs: string[] = [];
  for (let dir = dirname(root); dir !== dirname(dir); dir = dirname(dir)) dirs.push(dir);
  return dirs;
}

export function scanSource(file: string, text: string, root: string): Escape[] {
  if (/\.(c|m)?(t|j)s$/.test(file)) return scanScript(file, text, root);
  if (file.endsWith(".sh")) return scanShell(file, text, root);
  if (file.endsWith("go.mod")) return scanGoMod(file, text, root);
  return [];
}

function outside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === ".." || rel.startsWith(`..${"/"}`) || isAbsolute(rel);
}

function scanScript(file: string, text: string, root: string): Escape[] {
  const found: Escape[] = [];
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const here = dirname(file);
  const check = (node: ts.Node, path: string, base: string) => {
    const target = FILE_URL.test(path) ? safeFilePath(path) : isAbsolute(path) ? path : resolve(base, path);
    // A relative path that climbs out of the root escapes wherever the clone lives (even under /tmp);
    // an absolute one may name a system directory, unless it is beside the checkout.
    const relativeEscape = target !== undefined && !FILE_URL.test(path) && !isAbsolute(path) && outside(target, root);
    if (target === undefined || relativeEscape || (outside(target, root) && (!isSystemPath(target) || besideCheckout(target, root)))) {
      found.push({ file, line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1, path });
    }
  };
  const literal = (node: ts.Node | undefined): string | undefined =>
    node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))
      ? node.text
      : node && ts.isTemplateExpression(node)
        ? node.head.text || undefined
        : undefined;
  const isPathLike = (s: string) => s.startsWith("/") || s.startsWith("./") || s.startsWith("../") || s === ".." || FILE_URL.test(s);
  const isImportMetaUrl = (node: ts.Node | undefined) =>
    node !== undefined && ts.isPropertyAccessExpression(node) && ts.isMetaProperty(node.expression) && node.name.text === "url";
  const calleeName = (e: ts.Expression) =>
    ts.isIdentifier(e) ? e.text : ts.isPropertyAccessExpression(e) ? e.name.text : e.kind === ts.SyntaxKind.ImportKeyword ? "import" : undefined;

  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      const spec = literal(node.moduleSpecifier);
      if (spec !== undefined && isPathLike(spec)) check(node.moduleSpecifier, spec, here);
    } else if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "URL") {
      const spec = literal(node.arguments?.[0]);
      if (spec !== undefined && !FILE_URL.test(spec) && isImportMetaUrl(node.arguments?.[1])) check(node, spec, here);
    } else if (ts.isCallExpression(node)) {
      const name = calleeName(node.expression);
      if (name === "import" || (name !== undefined && MODULE_CALLS.has(name))) {
        const spec = literal(node.arguments[0]);
        if (spec !== undefined && isPathLike(spec)) check(node, spec, here);
      } else if ((name === "join" || name === "resolve") && isPathModuleCall(node.expression)) {
        // Only a literal first argument is anchored (at the working directory); later ones extend it.
        const parts: string[] = [];
        for (const arg of node.arguments) {
          const part = literal(arg);
          if (part === undefined) break;
          parts.push(part);
        }
        if (parts.length > 0 && isPathLike(parts[0]!)) check(node, join(...parts), root);
      } else if (name !== undefined && HOST_PATH_CALLS.has(name)) {
        const path = literal(node.arguments[0]);
        if (path !== undefined && isPathLike(path)) check(node.arguments[0]!, path, root);
      }
    } else if (ts.isPropertyAssignment(node) && ts.isIdentifier(node.name) && node.name.text === "cwd") {
      const path = literal(node.initializer);
      if (path !== undefined && isPathLike(path)) check(node, path, root);
    } else if (ts.isStringLiteral(node) && FILE_URL.test(node.text)) {
      check(node, node.text, here);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** `join(…)` or `path.join(…)`, not an array's `.join("/")`. */
function isPathModuleCall(callee: ts.Expression): boolean {
  if (ts.isIdentifier(callee)) return true;
  return ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && ["path", "posix", "win32"].includes(callee.expression.text);
}

function safeFilePath(url: string): string | undefined {
  try {
    return new URL(url).pathname;
  } catch {
    return undefined;
  }
}

function scanShell(file: string, text: string, root: string): Escape[] {
  const found: Escape[] = [];
  const besideRoot = ancestors(root).map((d) => `${d}/`);
  const here = dirname(file);
  text.split("\n").forEach((raw, i) => {
    const line = raw.replace(/(^|\s)#.*$/, "");
    const anchored = /(\$\(dirname "?\$(?:0|\{BASH_SOURCE\[0\]\})"?\)|\$\{?ROOT\}?)((?:\/[^\s"'`)$;|&]*)+)/g;
    for (const m of line.matchAll(anchored)) {
      const base = m[1]!.startsWith("$(dirname") ? here : root;
      if (outside(join(base, m[2]!), root)) found.push({ file, line: i + 1, path: m[0] });
    }
    // Other absolute words are flagged only under the directories that hold the repository (/work/…
    // here): "/CN=…", "GET /health" or a container's /app are not paths beside the checkout.
    for (const m of line.matchAll(/(?:^|[\s"'=])(\/[^\s"'`)$;|&]+)/g)) {
      const path = m[1]!;
      if (besideRoot.some((d) => path.startsWith(d)) && outside(path, root)) found.push({ file, line: i + 1, path });
    }
    for (const m of line.matchAll(/(?:^|[\s"'=])(\.\.(?:\/[^\s"'`)$;|&]*)?)/g)) {
      if (outside(resolve(here, m[1]!), root)) found.push({ file, line: i + 1, path: m[1]! });
    }
  });
  return found;
}

function scanGoMod(file: string, text: string, root: string): Escape[] {
  const found: Escape[] = [];
  text.split("\n").forEach((line, i) => {
    const m = /=>\s*(\S+)/.exec(line);
    const path = m?.[1];
    if (path !== undefined && (path.startsWith(".") || path.startsWith("/")) && outside(resolve(dirname(file), path), root)) {
      found.push({ file, line: i + 1, path });
    }
  });
  return found;
}

/** Every file under `dirs` (relative to root), skipping copied tool output and installed trees. */
export function sourceFiles(root: string, dirs: string[]): string[] {
  const skip = new Set(["node_modules", ".tools"]);
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (skip.has(e.name) ? [] : e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
  return dirs.flatMap((d) => walk(join(root, d)));
}

export function scanRepository(root: string, dirs: string[]): Escape[] {
  return sourceFiles(root, dirs).flatMap((file) => scanSource(file, readFileSync(file, "utf8"), root));
}
