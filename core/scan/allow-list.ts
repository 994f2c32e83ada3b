import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from "yaml";
import { FileError } from "../errors.js";

/**
 * An accepted vulnerability. The gate lets a matching finding pass, with the reason in every report,
 * until the end of the `until` day (UTC); after that the entry is an error, so acceptances get reviewed.
 */
export interface AllowListEntry {
  /** Vulnerability ID as Trivy reports it, e.g. CVE-2024-1234 or GHSA-xxxx-xxxx-xxxx. */
  id: string;
  /** Last day (YYYY-MM-DD, UTC) the entry applies. */
  until?: string;
  reason?: string;
  /** Only this package (Trivy's PkgName); every package when absent. */
  package?: string;
  /** Where the entry was written, so errors can point at it. */
  source?: { file: string; line: number };
}

const KEYS = ["id", "until", "reason", "package"] as const;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True when `value` is a real calendar date written YYYY-MM-DD. */
export function isIsoDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return date.toISOString().slice(0, 10) === value;
}

/**
 * Parses Gantry's allow-list file: a YAML list of `{id, until?, reason?, package?}` mappings.
 * An empty file is an empty list. Errors are FileErrors with the line and field of the bad entry.
 */
export function parseAllowList(text: string, file: string): AllowListEntry[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const syntax = doc.errors[0];
  if (syntax) throw new FileError(file, `invalid YAML: ${syntax.message}`, lines.linePos(syntax.pos[0]).line);
  const lineOf = (node: Node | null | undefined) => (node?.range ? lines.linePos(node.range[0]).line : undefined);

  const root = doc.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ""))) return [];
  if (!isSeq(root)) throw new FileError(file, "expected a list of entries such as `- id: CVE-2024-1234`", lineOf(root));

  const entries = root.items.map((item, index) => {
    const line = lineOf(item as Node) ?? 1;
    const where = `entry ${index + 1}`;
    if (!isMap(item)) throw new FileError(file, `${where}: expected a mapping with at least an id`, line);
    const fields: Record<string, string> = {};
    for (const pair of item.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : "";
      const keyLine = lineOf(pair.key as Node) ?? line;
      if (!(KEYS as readonly string[]).includes(key)) {
        throw new FileError(file, `${where}: unknown field; expected ${KEYS.join(", ")}`, keyLine, key || "(key)");
      }
      const value = isScalar(pair.value) ? pair.value.value : undefined;
      if (typeof value !== "string" && typeof value !== "number") {
        throw new FileError(file, `${where}: expected a text value`, lineOf(pair.value as Node) ?? keyLine, key);
      }
      fields[key] = String(value).trim();
    }
    const id = fields.id;
    if (!id) throw new FileError(file, `${where}: missing id (the vulnerability ID, e.g. CVE-2024-1234)`, line, "id");
    if (fields.until !== undefined && !isIsoDate(fields.until)) {
      throw new FileError(file, `entry ${id}: "${fields.until}" is not a date written YYYY-MM-DD`, line, "until");
    }
    const entry: AllowListEntry = { id, source: { file, line } };
    if (fields.until) entry.until = fields.until;
    if (fields.reason) entry.reason = fields.reason;
    if (fields.package) entry.package = fields.package;
    return entry;
  });
  rejectDuplicates(entries, file);
  return entries;
}

function rejectDuplicates(entries: AllowListEntry[], file: string): void {
  const seen = new Map<string, AllowListEntry>();
  for (const entry of entries) {
    const key = `${entry.id.toUpperCase()}\u0000${entry.package ?? ""}`;
    const first = seen.get(key);
    if (first) {
      throw new FileError(file, `entry ${entry.id} repeats the entry on line ${first.source?.line}`, entry.source?.line, "id");
    }
    seen.set(key, entry);
  }
}
