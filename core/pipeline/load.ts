import { isAlias, isMap, isScalar, LineCounter, parseDocument, visit, type Document, type Node } from "yaml";
import { z } from "zod";

import { GantryError } from "../errors.js";
import { closest } from "./did-you-mean.js";
import { pipelineSchema, type Pipeline } from "./schema.js";

/** One problem in a pipeline file, located as an editor shows it. */
export interface ConfigProblem {
  line: number;
  column: number;
  /** Field path, e.g. scan.severities[1]. */
  field: string;
  message: string;
}

/** A pipeline file that does not load; the message lists every problem as file:line:column: field: message. */
export class PipelineError extends GantryError {
  override name = "PipelineError";
  constructor(
    readonly file: string,
    readonly problems: ConfigProblem[],
  ) {
    super(problems.map((p) => `${file}:${p.line}:${p.column}: ${p.field ? `${p.field}: ` : ""}${p.message}`).join("\n"));
  }
}

/**
 * The largest pipeline file read. A description of one service is a few kilobytes; parsing time
 * and memory grow with the text (10 MB took 27 s and 1 GB), so a larger file is refused unread.
 */
export const PIPELINE_MAX_BYTES = 2 * 1024 * 1024;

/** Parses and validates a pipeline file; defaults fill what it leaves out. An empty file is all defaults. */
export function loadPipeline(text: string, file: string): Pipeline {
  if (text.length > PIPELINE_MAX_BYTES) {
    throw new PipelineError(file, [
      { line: 1, column: 1, field: "", message: `the file is ${text.length} characters, over the ${PIPELINE_MAX_BYTES} (2 MiB) a pipeline file may have` },
    ]);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const at = (offset: number) => lines.linePos(offset);
  if (doc.errors.length > 0) {
    throw new PipelineError(
      file,
      doc.errors.map((e) => ({ line: at(e.pos[0]).line, column: at(e.pos[0]).col, field: "", message: firstLine(e.message) })),
    );
  }
  const data = toData(doc, file, at);
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw new PipelineError(file, [
      { line: 1, column: 1, field: "", message: "expected a mapping of settings (name, source, go, test, image, scan, publish, environments, stages)" },
    ]);
  }
  const dropped = protoKeys(data);
  if (dropped.length > 0) {
    throw new PipelineError(
      file,
      dropped.map((path) => {
        const pos = at(keyOffset(doc, path.slice(0, -1), "__proto__"));
        return {
          line: pos.line,
          column: pos.col,
          field: fieldPath(path),
          message: "a key named __proto__ cannot be used: it would be dropped without a word on the way to the cluster; rename it",
        };
      }),
    );
  }
  const parsed = pipelineSchema.safeParse(data);
  if (parsed.success) return parsed.data;
  throw new PipelineError(
    file,
    parsed.error.issues.flatMap((issue) => describe(issue, doc, at)),
  );
}

function describe(issue: z.core.$ZodIssue, doc: Document, at: (offset: number) => { line: number; col: number }): ConfigProblem[] {
  const path = issue.path.map((p) => (typeof p === "symbol" ? String(p) : p));
  if (issue.code === "unrecognized_keys") {
    const known = knownKeys(path);
    return issue.keys.map((key) => {
      const pos = at(keyOffset(doc, path, key));
      const guess = closest(key, known);
      return {
        line: pos.line,
        column: pos.col,
        field: fieldPath([...path, key]),
        message: `unknown setting${guess ? `; did you mean "${guess}"?` : ""} (known here: ${known.join(", ")})`,
      };
    });
  }
  if (issue.code === "invalid_key") {
    // A record key failed its own check (a label key, a severity): point at the key and say why.
    const key = path.at(-1);
    const pos = at(typeof key === "string" ? keyOffset(doc, path.slice(0, -1), key) : valueOffset(doc, path));
    return [{ line: pos.line, column: pos.col, field: fieldPath(path), message: issue.issues[0]?.message ?? issue.message }];
  }
  const pos = at(valueOffset(doc, path));
  return [{ line: pos.line, column: pos.col, field: fieldPath(path), message: issue.message }];
}

/**
 * The document as plain data. The yaml library refuses to expand aliases past a limit (an alias
 * bomb: a few lines that expand to billions of nodes); that refusal is located at the first alias.
 */
function toData(doc: Document, file: string, at: (offset: number) => { line: number; col: number }): unknown {
  if (doc.contents === null) return {};
  try {
    return doc.toJS();
  } catch (e) {
    if (!(e instanceof ReferenceError)) throw e;
    let offset = 0;
    visit(doc, { Alias: (_, node) => (isAlias(node) && node.range ? ((offset = node.range[0]), visit.BREAK) : undefined) });
    const pos = at(offset);
    throw new PipelineError(file, [
      { line: pos.line, column: pos.col, field: "", message: `the aliases (*name) expand to too many nodes (${firstLine(e.message)}); write the values out` },
    ]);
  }
}

/** Paths of own `__proto__` keys: a record built from the data would set its prototype instead. */
function protoKeys(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => protoKeys(v, [...path, i]));
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([k, v]) => (k === "__proto__" ? [[...path, k]] : protoKeys(v, [...path, k])));
}

function firstLine(text: string): string {
  return text.split("\n")[0]!;
}

export function fieldPath(path: (string | number)[]): string {
  return path.reduce<string>((acc, p) => (typeof p === "number" ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), "");
}

/** The offset of the deepest node along `path` that exists (a missing field points at its parent). */
function valueOffset(doc: Document, path: (string | number)[]): number {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true) as Node | undefined;
    if (node && node.range) return node.range[0];
  }
  return 0;
}

function keyOffset(doc: Document, path: (string | number)[], key: string): number {
  const parent = path.length === 0 ? doc.contents : doc.getIn(path, true);
  if (isMap(parent)) {
    const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === key);
    if (pair && isScalar(pair.key) && pair.key.range) return pair.key.range[0];
  }
  return valueOffset(doc, path);
}

/** The keys the schema accepts for the object at `path`. */
function knownKeys(path: (string | number)[]): string[] {
  let schema: z.core.$ZodType = pipelineSchema;
  for (const step of path) {
    schema = unwrap(schema);
    const def = schema._zod.def as { type: string; shape?: Record<string, z.core.$ZodType>; element?: z.core.$ZodType; valueType?: z.core.$ZodType };
    if (def.type === "object" && typeof step === "string" && def.shape?.[step]) schema = def.shape[step]!;
    else if (def.type === "array" && def.element) schema = def.element;
    else if (def.type === "record" && def.valueType) schema = def.valueType;
    else return [];
  }
  const def = unwrap(schema)._zod.def as { type: string; shape?: Record<string, unknown> };
  return def.type === "object" && def.shape ? Object.keys(def.shape) : [];
}

function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let current = schema;
  for (;;) {
    const def = current._zod.def as { type: string; innerType?: z.core.$ZodType; in?: z.core.$ZodType };
    if (def.innerType) current = def.innerType;
    else if (def.type === "pipe" && def.in) current = def.in;
    else return current;
  }
}
