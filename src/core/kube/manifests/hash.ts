import { createHash } from "node:crypto";

/** JSON with keys sorted at every level, so equal content always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/** The first `length` hex digits of sha256(canonicalJson(value)): names and revisions from content. */
export function contentHash(value: unknown, length = 10): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex").slice(0, length);
}
