import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, posix } from "node:path";

import ts from "typescript";

/**
 * The module's own import graph, read with the TypeScript parser: static imports, re-exports, `import type`,
 * `import("x")` types and dynamic `await import("x")` calls all count as edges, since each is a reason a file
 * cannot change without the other. Nodes are repository-relative paths (`dagger/run.ts`); a bare package
 * keeps its name (`@dagger.io/dagger`). `#core/x.js` and `#dagger/x.js` resolve through package.json's
 * `imports` map to the .ts file they name, relative `.js` specifiers to the `.ts` beside them.
 */

export interface Edge {
  from: string;
  to: string;
  line: number;
  /** `import type`, `import { type X }` alone, `export type` or an `import("x")` type: erased before anything loads. */
  typeOnly: boolean;
}

export const SOURCE_DIRS = ["src", "dagger", "core"] as const;

export function sourceFiles(root: string, dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? sourceFiles(root, posix.join(dir, e.name)) : e.name.endsWith(".ts") ? [posix.join(dir, e.name)] : []))
    .sort();
}

/** package.json `imports`: `#core/*.js` -> `./core/*.ts`, as the runtimes resolve them. */
function packageImports(root: string): [prefix: string, suffix: string, target: string][] {
  const imports = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { imports?: Record<string, string> }).imports ?? {};
  return Object.entries(imports).map(([pattern, target]) => {
    const [prefix, suffix] = pattern.split("*") as [string, string];
    return [prefix, suffix, target.replace(/^\.\//, "")];
  });
}

export function resolveSpecifier(root: string, from: string, spec: string): string {
  for (const [prefix, suffix, target] of packageImports(root)) {
    if (spec.startsWith(prefix) && spec.endsWith(suffix)) return target.replace("*", spec.slice(prefix.length, spec.length - suffix.length));
  }
  if (spec.startsWith("#")) throw new Error(`${from}: ${spec} matches no entry of package.json imports`);
  if (!spec.startsWith("."))
    return spec.startsWith("node:")
      ? spec
      : spec
          .split("/")
          .slice(0, spec.startsWith("@") ? 2 : 1)
          .join("/");
  const joined = posix.normalize(posix.join(posix.dirname(from), spec));
  const candidates = [joined.replace(/\.js$/, ".ts"), joined, `${joined}.ts`, `${joined}/index.ts`];
  const found = candidates.find((c) => existsSync(join(root, c)) && c.endsWith(".ts"));
  if (!found) throw new Error(`${from}: ${spec} resolves to no .ts file`);
  return found;
}

/** Every module specifier a file names, with its line and whether only types cross it. */
export function specifiers(file: string, text: string): { spec: string; line: number; typeOnly: boolean }[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: { spec: string; line: number; typeOnly: boolean }[] = [];
  const add = (node: ts.Node | undefined, typeOnly: boolean) => {
    if (node && ts.isStringLiteralLike(node)) found.push({ spec: node.text, line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1, typeOnly });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) add(node.moduleSpecifier, importsTypesOnly(node.importClause));
    else if (ts.isExportDeclaration(node))
      add(
        node.moduleSpecifier,
        node.isTypeOnly || (!!node.exportClause && ts.isNamedExports(node.exportClause) && node.exportClause.elements.every((e) => e.isTypeOnly)),
      );
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node.arguments[0], false);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node.argument.literal, true);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) add(node.moduleReference.expression, node.isTypeOnly);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function importsTypesOnly(clause: ts.ImportClause | undefined): boolean {
  if (!clause) return false; // `import "x"` runs x
  if (clause.isTypeOnly) return true;
  const named = clause.namedBindings;
  return !clause.name && !!named && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly);
}

export function importGraph(root: string): Edge[] {
  return SOURCE_DIRS.flatMap((dir) => sourceFiles(root, dir)).flatMap((from) =>
    specifiers(from, readFileSync(join(root, from), "utf8")).map(({ spec, line, typeOnly }) => ({
      from,
      to: resolveSpecifier(root, from, spec),
      line,
      typeOnly,
    })),
  );
}

/** Strongly connected components with more than one file (or a file importing itself): each is a circle. */
export function circles(edges: Edge[]): string[][] {
  const next = new Map<string, Set<string>>();
  for (const { from, to } of edges) next.set(from, (next.get(from) ?? new Set()).add(to));
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const connect = (v: string): void => {
    indices.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!indices.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indices.get(w)!));
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || next.get(v)?.has(v)) found.push(component.sort());
    }
  };
  for (const v of [...next.keys()].sort()) if (!indices.has(v)) connect(v);
  return found.sort((a, b) => a[0]!.localeCompare(b[0]!));
}

/** The domain a core file belongs to: `core/kube/rollout/plan.ts` -> `core/kube`; top-level files are shared. */
export function coreDomain(file: string): string | undefined {
  const parts = file.split("/");
  return parts[0] === "core" && parts.length > 2 ? `core/${parts[1]}` : undefined;
}
