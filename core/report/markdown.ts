/** Escapes a value for a GitHub/GitLab Markdown table cell. */
export function cell(value: string | number): string {
  return String(value).replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

/** A Markdown table; GitHub job summaries and GitLab MR notes render it the same way. */
export function table(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.map(cell).join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

const HTML_ENTITIES = new Map([
  ["&", "&amp;"],
  ["<", "&lt;"],
  [">", "&gt;"],
]);

/**
 * Untrusted text (package names, Trivy targets, reasons) as Markdown that shows it literally: HTML is
 * written as entities and the characters that open links, images, emphasis and code are escaped.
 * Pipes are left to `cell`.
 */
export function markdownText(text: string): string {
  return text.replace(/[&<>]/g, (c) => HTML_ENTITIES.get(c)!).replace(/[\\`*_[\]]/g, "\\$&");
}

/** A link only to an http(s) URL (never javascript: or data:), else the text alone. */
export function markdownLink(text: string, url: string | undefined): string {
  const href = url !== undefined && URL.canParse(url) ? new URL(url) : undefined;
  if (!href || (href.protocol !== "http:" && href.protocol !== "https:")) return markdownText(text);
  // URL.href percent-encodes spaces, quotes and angle brackets but not the parentheses that end a link.
  return `[${markdownText(text)}](${href.href.replace(/\(/g, "%28").replace(/\)/g, "%29")})`;
}

/** Inline code that survives backticks in the text; nothing inside a code span is HTML or Markdown. */
export function markdownCode(text: string): string {
  const ticks = "`".repeat(longestRun(text, "`") + 1);
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${ticks}${pad}${text}${pad}${ticks}`;
}

/** The longest run of `char` in the text, to pick a code fence longer than any inside it. */
export function longestRun(text: string, char: string): number {
  let longest = 0;
  let run = 0;
  for (const c of text) {
    run = c === char ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  return longest;
}
