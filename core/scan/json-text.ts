// JSON text written piece by piece, for the reports that run to megabytes (SARIF, GitLab). On 10,000
// findings, JSON.stringify over an object graph costs more than building it; writing each finding's
// text directly, from pieces that are mostly clean strings, is several times cheaper.

/** What JSON.stringify escapes (quote, backslash, control characters), plus surrogates: it escapes lone ones. */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * The text escaped for the inside of a JSON string literal, as JSON.stringify escapes it. Pieces
 * escaped one by one and then joined decode to the joined text.
 */
export function jsonText(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text).slice(1, -1) : text;
}

/** The text as a JSON string literal, exactly as JSON.stringify(text) writes it. */
export function jsonString(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

/**
 * A JSON object from members already written as JSON, in the order given; undefined members are
 * left out, as JSON.stringify leaves out undefined values.
 */
export function jsonObject(members: Record<string, string | undefined>): string {
  // `+` rather than Array.join: V8 links the pieces and copies the text once, when it is first read,
  // instead of once per level of nesting.
  let body = "";
  for (const [key, value] of Object.entries(members)) if (value !== undefined) body += `${body ? "," : ""}${jsonString(key)}:${value}`;
  return `{${body}}`;
}

/** JSON.stringify(value), or undefined for an undefined value, as jsonObject wants its members. */
export function optionalJson(value: unknown): string | undefined {
  return value === undefined ? undefined : JSON.stringify(value);
}

/** About 256 KB of text: more than the largest object V8 allocates in its young generation. */
const CHUNK_CHARS = 1 << 18;

/**
 * A JSON array of thousands of items, each already written as JSON. The items are joined into
 * chunks as they come: held to the end, the many small strings each item is made of would survive
 * young-generation collections and be copied at every one, which on 10,000 findings costs more
 * than writing them. Chunks this large go straight to the old generation.
 */
export class JsonArrayWriter {
  private written = "";
  private pending: string[] = [];
  private pendingChars = 0;

  add(itemJson: string): void {
    this.pending.push(itemJson);
    this.pendingChars += itemJson.length;
    if (this.pendingChars >= CHUNK_CHARS) this.flush();
  }

  json(): string {
    this.flush();
    return `[${this.written}]`;
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const chunk = this.pending.join(",");
    this.written = this.written ? `${this.written},${chunk}` : chunk;
    this.pending = [];
    this.pendingChars = 0;
  }
}
