import * as jsoncModule from "jsonc-parser";

import { FileError } from "../errors.js";

// jsonc-parser's "main" is a UMD build: native ESM sees its exports only as the default export,
// a CommonJS-compiled importer sees them as named ones.
const jsonc: typeof jsoncModule = "parse" in jsoncModule ? jsoncModule : (jsoncModule as unknown as { default: typeof jsoncModule }).default;

/** What each jsonc-parser error code means, as the end of "invalid JSON at column N: …". */
const REASONS = new Map<string, string>([
  ["InvalidSymbol", "unexpected text; expected a value (a string in double quotes, number, object, array, true, false or null)"],
  ["InvalidNumberFormat", "invalid number"],
  ["PropertyNameExpected", "expected a property name in double quotes"],
  ["ValueExpected", "expected a value"],
  ["ColonExpected", "expected ':' after the property name"],
  ["CommaExpected", "expected ',' or the end of the object or array"],
  ["CloseBraceExpected", "expected ',' or '}' after a property value"],
  ["CloseBracketExpected", "expected ',' or ']' after an array element"],
  ["EndOfFileExpected", "unexpected text after the end of the JSON value"],
  ["InvalidCommentToken", "comments are not allowed in JSON"],
  ["UnexpectedEndOfComment", "comments are not allowed in JSON"],
  ["UnexpectedEndOfString", "string not closed before the end of the line"],
  ["UnexpectedEndOfNumber", "number cut short"],
  ["InvalidUnicode", "invalid \\u escape; expected four hex digits"],
  ["InvalidEscapeCharacter", "invalid escape in a string"],
  ["InvalidCharacter", "control character inside a string (escape it, e.g. \\n)"],
]);
const RUNS_TO_END = new Set(["UnexpectedEndOfString", "UnexpectedEndOfNumber", "UnexpectedEndOfComment"]);
const END_OF_INPUT = "unexpected end of input (the file is empty or was cut short)";

/**
 * Parses JSON text with JSON.parse; on a syntax error throws a FileError naming `file` with the line,
 * and the column and reason in the problem text. JSON.parse's messages carry no line, so the error is
 * located by jsonc-parser (strict: no comments, no trailing commas), which runs only after JSON.parse failed.
 */
export function parseJsonText(text: string, file: string): unknown {
  const body = text.startsWith("\uFEFF") ? text.slice(1) : text;
  try {
    return JSON.parse(body);
  } catch (error) {
    const problem = locateJsonSyntaxError(body);
    if (problem === undefined) throw new FileError(file, `invalid JSON: ${(error as Error).message}`);
    throw new FileError(file, `invalid JSON at column ${problem.column}: ${problem.reason}`, problem.line);
  }
}

/** Where a JSON text stops being valid, and why. Line and column are 1-based (UTF-16 units). */
export interface JsonSyntaxProblem {
  offset: number;
  line: number;
  column: number;
  reason: string;
}

/** The first syntax error in `text`, or undefined when jsonc-parser finds none. */
export function locateJsonSyntaxError(text: string): JsonSyntaxProblem | undefined {
  let first: jsoncModule.ParseError | undefined;
  try {
    // visit, not parse: only the first error is wanted, and building no value makes it a third faster.
    const onError = (error: jsoncModule.ParseErrorCode, offset: number, length: number) => void (first ??= { error, offset, length });
    jsonc.visit(text, { onError }, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  } catch (error) {
    if (error instanceof RangeError) return undefined; // nesting too deep for the stack: the caller keeps JSON.parse's message
    throw error;
  }
  if (first === undefined) return undefined;
  const code = jsonc.printParseErrorCode(first.error);
  // At the end of the text, or a string, number or comment that runs into it: a cut-short file.
  const end = text.trimEnd().length;
  if (first.offset >= end || (RUNS_TO_END.has(code) && first.offset + first.length >= end)) {
    return { offset: text.length, ...lineAndColumn(text, text.length), reason: END_OF_INPUT };
  }
  // jsonc-parser points at the string; the column is the control character's own.
  const offset = code === "InvalidCharacter" ? firstControlCharacter(text, first.offset) : first.offset;
  const reason = REASONS.get(code) ?? "invalid JSON";
  return { offset, ...lineAndColumn(text, offset), reason };
}

function firstControlCharacter(text: string, from: number): number {
  for (let i = from + 1; i < text.length; i++) if (text.charCodeAt(i) < 0x20) return i;
  return from;
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
