// How GitHub Actions reads `${{ }}` in a workflow value, after the runner's TemplateReader.ParseScalar:
// an expression ends at the first `}}` outside a single-quoted string ('' inside one is a quote),
// and an expression that is one string literal stands for that text.

export type Segment = { text: string } | { expression: string };

export function templateSegments(raw: string): Segment[] {
  const segments: Segment[] = [];
  let i = 0;
  while (i < raw.length) {
    const start = raw.indexOf("${{", i);
    if (start < 0) {
      segments.push({ text: raw.slice(i) });
      break;
    }
    if (start > i) segments.push({ text: raw.slice(i, start) });
    let inString = false;
    let end = -1;
    for (let j = start + 3; j < raw.length; j++) {
      if (raw[j] === "'") inString = !inString;
      else if (!inString && raw[j] === "}" && raw[j - 1] === "}") {
        end = j;
        break;
      }
    }
    if (end < 0) throw new Error(`an expression in ${JSON.stringify(raw)} is never closed`);
    segments.push({ expression: raw.slice(start + 3, end - 1).trim() });
    i = end + 1;
  }
  return segments;
}

/** The text of an expression that is one string literal, or undefined. */
export function stringLiteral(expression: string): string | undefined {
  const m = /^'((?:[^']|'')*)'$/s.exec(expression);
  return m ? m[1]!.replaceAll("''", "'") : undefined;
}

/** The value GitHub gives `raw`: literals as they are, other expressions as `resolve` answers. */
export function evaluate(raw: string, resolve: (expression: string) => string): string {
  return templateSegments(raw)
    .map((s) => ("text" in s ? s.text : (stringLiteral(s.expression) ?? resolve(s.expression))))
    .join("");
}
