// The one quoting rule for text that becomes code: a word from user data (a pipeline file, a CLI
// argument) is quoted for the language that reads it, so it stays one word of data whatever it
// holds. YAML needs no rule here: generated YAML is always written by the yaml serializer.

/** Words the POSIX shell reads as themselves: no quoting, globbing, expansion or splitting. */
const PLAIN_SHELL_WORD = /^[A-Za-z0-9_./:=,+-]+$/;

/**
 * One POSIX shell word holding exactly `text`: left bare when every character is plain, else in
 * single quotes, inside which the shell expands nothing; a `'` becomes `'\''` (close, escaped
 * quote, reopen). The empty text is `''`.
 */
export function shellWord(text: string): string {
  return PLAIN_SHELL_WORD.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * A Groovy string literal holding exactly `text`, which interpolates nothing (single quotes: `$`
 * stays a character, so shell variables reach the shell untouched). Backslash and `'` are escaped;
 * text with line breaks becomes a triple-quoted string opened by an escaped newline (a line
 * continuation, not part of the value), so its first line starts a line of the file.
 */
export function groovyString(text: string): string {
  const escaped = text.replace(/\\/g, "\\\\").replace(/'/g, "\\'");
  if (!/[\n\r]/.test(text)) return `'${escaped}'`;
  // A lone \r would be a line break the reader normalises away; keep it as an escape.
  return `'''\\\n${escaped.replace(/\r/g, "\\r")}'''`;
}
