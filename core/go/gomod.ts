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

/**
 * Reads go.mod with the grammar of golang.org/x/mod/modfile: `//` comments, "quoted" and `raw`
 * strings as single tokens, and `verb (` … `)` blocks whose lines each take the verb. Only module,
 * go and toolchain are interpreted; each may appear once. Errors name the line, as the go command's do.
 */
export function parseGoMod(text: string, file = "go.mod"): GoMod {
  let module: string | undefined;
  let go: string | undefined;
  let toolchain: string | undefined;
  const seen = new Set<string>();
  for (const { verb, args, line } of goModStatements(text, file)) {
    const fail = (problem: string): never => {
      throw new FileError(file, problem, line, verb);
    };
    if (verb !== "module" && verb !== "go" && verb !== "toolchain") continue;
    if (seen.has(verb)) fail(`repeated ${verb} statement`);
    seen.add(verb);
    const [arg] = args;
    if (verb === "module") {
      if (arg === undefined || args.length !== 1) fail("usage: module module/path");
      module = moduleString(arg!, fail);
    } else if (args.length !== 1) {
      fail(`${verb} directive expects exactly one argument`);
    } else if (verb === "go") {
      if (!isGoVersion(arg!.text)) fail(`"${arg!.text}" is not a Go version (expected e.g. 1.26 or 1.26.3)`);
      go = arg!.text;
    } else if (arg!.text !== "default") {
      const version = arg!.text.replace(/^go/, "").replace(/\+.*$/, "");
      if (!arg!.text.startsWith("go") || !isGoVersion(version)) fail(`"${arg!.text}" is not a toolchain name (expected e.g. go1.26.3)`);
      toolchain = version;
    }
  }
  if (!module) throw new FileError(file, "no module line: is this the root of a Go module?", undefined, "module");
  // A go.mod without a go line means Go 1.16 semantics to the go command.
  return { module, go: go ?? "1.16", toolchain };
}

/** modfile.parseString: a "quoted" path is unquoted; any other quote character is refused. */
function moduleString(arg: GoModToken, fail: (problem: string) => never): string {
  if (arg.text.startsWith('"')) {
    try {
      return JSON.parse(arg.text) as string;
    } catch {
      return fail(`invalid quoted string ${arg.text}`);
    }
  }
  if (/["'`]/.test(arg.text)) fail(`invalid quoted string: ${arg.text} (only "double quotes" may quote a module path)`);
  return arg.text;
}

interface GoModToken {
  text: string;
  quoted: boolean;
}

interface GoModStatement {
  verb: string;
  args: GoModToken[];
  line: number;
}

/** The verbs modfile accepts in `verb ( … )` form; `go (` and `toolchain (` are errors to the go command. */
const BLOCK_VERBS = new Set(["module", "godebug", "require", "exclude", "replace", "retract", "tool", "ignore"]);

/** `verb (` or an empty `verb ( )`: what modfile's parseStmt takes for a block. */
function isBlockStart(tokens: GoModToken[]): boolean {
  const last = tokens[tokens.length - 1]!;
  if (tokens.length >= 2 && last.text === "(" && !last.quoted) return true;
  const open = tokens[tokens.length - 2];
  return tokens.length >= 3 && last.text === ")" && !last.quoted && open?.text === "(" && !open.quoted;
}

/** The statements of a go.mod, block lines expanded to `verb args…`. */
function goModStatements(text: string, file: string): GoModStatement[] {
  const statements: GoModStatement[] = [];
  let block: { verb: string; line: number } | undefined;
  for (const { tokens, line } of goModLines(text, file)) {
    const fail = (problem: string): never => {
      throw new FileError(file, problem, line);
    };
    const words = tokens.map((t) => t.text);
    if (block) {
      if (words[0] === ")" && !tokens[0]!.quoted) {
        if (tokens.length > 1) fail("syntax error (expected newline after closing paren)");
        block = undefined;
      } else {
        statements.push({ verb: block.verb, args: tokens, line });
      }
    } else if (isBlockStart(tokens)) {
      const opens = words[words.length - 1] === "(";
      const verb = words.slice(0, opens ? -1 : -2).join(" ");
      if (!BLOCK_VERBS.has(verb)) fail(`unknown block type: ${verb}`);
      if (opens) block = { verb, line }; // else an empty block, "verb ( )"
    } else if (tokens[0]!.quoted || words[0] === "(" || words[0] === ")") {
      fail(`syntax error: unexpected ${words[0]}`);
    } else {
      statements.push({ verb: words[0]!, args: tokens.slice(1), line });
    }
  }
  if (block) throw new FileError(file, `syntax error (unterminated block started at line ${block.line})`, block.line);
  return statements;
}

/** Non-empty lines as tokens, comments dropped: modfile's lexer (read.go readToken). */
function goModLines(text: string, file: string): { tokens: GoModToken[]; line: number }[] {
  const lines: { tokens: GoModToken[]; line: number }[] = [];
  let tokens: GoModToken[] = [];
  let line = 1;
  let i = 0;
  const endLine = () => {
    if (tokens.length > 0) lines.push({ tokens, line });
    tokens = [];
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === "\n") {
      endLine();
      line++;
      i++;
    } else if (c === " " || c === "\t" || c === "\r") {
      i++;
    } else if (text.startsWith("//", i)) {
      const eol = text.indexOf("\n", i);
      i = eol === -1 ? text.length : eol;
    } else if (text.startsWith("/*", i)) {
      throw new FileError(file, "mod files must use // comments (not /* */ comments)", line);
    } else if (c === '"' || c === "`") {
      let j = i + 1;
      for (; j < text.length && text[j] !== c; j++) {
        if (text[j] === "\n") throw new FileError(file, "unexpected newline in string", line);
        if (text[j] === "\\" && c === '"') j++;
      }
      if (j >= text.length) throw new FileError(file, "unexpected end of file in string", line);
      tokens.push({ text: text.slice(i, j + 1), quoted: true });
      i = j + 1;
    } else if ("()[]{},".includes(c)) {
      tokens.push({ text: c, quoted: false });
      i++;
    } else {
      let j = i;
      while (j < text.length && !" \t\r\n()[]{},".includes(text[j]!) && !text.startsWith("//", j)) j++;
      tokens.push({ text: text.slice(i, j), quoted: false });
      i = j;
    }
  }
  endLine();
  return lines;
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
