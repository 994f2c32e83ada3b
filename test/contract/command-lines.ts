// Finds the `dagger call` command lines a user or a test would run: in the engine tests' argv arrays,
// in README's commands and in the CI files' steps. Values that only exist at run time become "<value>".
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

import ts from "typescript";

export interface CommandLine {
  where: string;
  /** The words after `call`. */
  words: string[];
  /** The module given with -m/--mod, when one is. */
  module?: string;
}

const VALUE = "<value>";

/** The engine tests' helpers and the module each calls (undefined: the repository's own). */
const ENGINE_TEST_HELPERS: Record<string, string | undefined> = { daggerCall: undefined, daggerCallOk: undefined, engineModuleCall: "test/engine/module" };

/** `daggerCall([...])`, `daggerCallOk([...])` and `engineModuleCall([...])` in test/engine, with spreads of const arrays inlined. */
export function engineTestCalls(dir: string, root: string): CommandLine[] {
  const found: CommandLine[] = [];
  for (const name of readdirSync(dir).filter((f) => f.endsWith(".test.ts"))) {
    const path = join(dir, name);
    const file = ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.ES2022, true);
    const consts = new Map<string, ts.Expression>();
    const visit = (node: ts.Node): void => {
      if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer) consts.set(node.name.text, node.initializer);
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text in ENGINE_TEST_HELPERS && node.arguments[0]) {
        const { line } = file.getLineAndCharacterOfPosition(node.getStart());
        const module = ENGINE_TEST_HELPERS[node.expression.text];
        found.push({ where: `${relative(root, path)}:${line + 1}`, words: words(node.arguments[0]), ...(module ? { module } : {}) });
      }
      ts.forEachChild(node, visit);
    };
    const words = (expr: ts.Expression): string[] => {
      if (ts.isArrayLiteralExpression(expr)) {
        return expr.elements.flatMap((e) => (ts.isSpreadElement(e) ? spread(e.expression) : [ts.isStringLiteralLike(e) ? e.text : VALUE]));
      }
      return [VALUE];
    };
    const spread = (expr: ts.Expression): string[] => {
      const init = ts.isIdentifier(expr) ? consts.get(expr.text) : undefined;
      return init ? words(init) : [VALUE];
    };
    visit(file);
  }
  return found;
}

/** Splits one shell command into words: quotes, $(...) and ${...} kept whole; stops at a pipe, redirection, ; or &&. */
export function shellWords(command: string): string[] {
  const out: string[] = [];
  let word = "";
  let inWord = false;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (c === "'" || c === '"') {
      const end = command.indexOf(c, i + 1);
      word += command.slice(i + 1, end < 0 ? undefined : end);
      inWord = true;
      i = end < 0 ? command.length : end;
    } else if (c === "$" && (command[i + 1] === "(" || command[i + 1] === "{")) {
      const open = command[i + 1]!;
      const close = open === "(" ? ")" : "}";
      let depth = 0;
      let j = i + 1;
      for (; j < command.length; j++) {
        if (command[j] === open) depth++;
        else if (command[j] === close && --depth === 0) break;
      }
      word += command.slice(i, j + 1);
      inWord = true;
      i = j;
    } else if (/\s/.test(c)) {
      if (inWord) out.push(word);
      word = "";
      inWord = false;
    } else if ("|;>&#".includes(c) && !inWord) {
      break;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) out.push(word);
  return out;
}

const GLOBAL_FLAGS_WITH_VALUE = new Set(["-m", "--mod", "--progress"]);

/** Every `dagger [global flags] call ...` in a text (shell lines joined at trailing backslashes). */
export function shellCalls(text: string, where: string): CommandLine[] {
  const found: CommandLine[] = [];
  const lines = text.replace(/\\\r?\n\s*/g, " ").split("\n");
  lines.forEach((line, index) => {
    for (const match of line.matchAll(/(?:^|[\s`(])dagger\s/g)) {
      const words = shellWords(line.slice(match.index! + match[0].length).split("`")[0]!);
      let module: string | undefined;
      /** Skips a global flag (and its value), noting the module -m/--mod names. */
      const skipGlobalFlag = (i: number): number => {
        const [flag, inline] = words[i]!.split(/=(.*)/s, 2) as [string, string | undefined];
        const value = inline ?? (GLOBAL_FLAGS_WITH_VALUE.has(flag) ? words[i + 1] : undefined);
        if (flag === "-m" || flag === "--mod") module = value;
        return i + (inline === undefined && GLOBAL_FLAGS_WITH_VALUE.has(flag) ? 2 : 1);
      };
      let i = 0;
      while (i < words.length && words[i]!.startsWith("-")) i = skipGlobalFlag(i);
      if (words[i] !== "call") continue;
      i++;
      while (i < words.length && GLOBAL_FLAGS_WITH_VALUE.has(words[i]!.split("=")[0]!)) i = skipGlobalFlag(i);
      const rest = words.slice(i);
      // A documentation template such as `dagger call <function> --help` is not a command.
      if (rest.some((w) => /^<[a-z-]+>$/.test(w)) || rest.length === 0) continue;
      found.push({ where: `${where}:${index + 1}`, words: rest, ...(module ? { module } : {}) });
    }
  });
  return found;
}
