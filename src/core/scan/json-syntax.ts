import { FileError } from "../errors.js";

/** Where a JSON text stops being valid, and why. Line and column are 1-based (UTF-16 units). */
export interface JsonSyntaxProblem {
  offset: number;
  line: number;
  column: number;
  reason: string;
}

/**
 * Parses JSON text; on a syntax error throws a FileError naming `file` with the line, and the column
 * and reason in the problem text. Node's own messages only sometimes carry a position, so the error
 * is located by a small scanner that runs only after JSON.parse has failed.
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

/** The first syntax error in `text`, or undefined when the text is valid JSON. */
export function locateJsonSyntaxError(text: string): JsonSyntaxProblem | undefined {
  try {
    new JsonScanner(text).document();
    return undefined;
  } catch (error) {
    if (!(error instanceof SyntaxStop)) return undefined; // e.g. nesting too deep for the stack
    return { offset: error.offset, ...lineAndColumn(text, error.offset), reason: error.reason };
  }
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

class SyntaxStop {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {}
}

const END_OF_INPUT = "unexpected end of input (the file is empty or was cut short)";

class JsonScanner {
  private i = 0;
  constructor(private readonly text: string) {}

  document(): void {
    this.value();
    this.whitespace();
    if (this.i < this.text.length) this.stop(`unexpected ${this.describe()} after the end of the JSON value`);
  }

  private value(): void {
    this.whitespace();
    const c = this.text[this.i];
    if (c === undefined) this.stop(END_OF_INPUT);
    else if (c === "{") this.object();
    else if (c === "[") this.array();
    else if (c === '"') this.string();
    else if (c === "-" || (c >= "0" && c <= "9")) this.number();
    else if (c === "t") this.literal("true");
    else if (c === "f") this.literal("false");
    else if (c === "n") this.literal("null");
    else this.stop(`unexpected ${this.describe()}; expected a value`);
  }

  private object(): void {
    this.i++; // {
    this.whitespace();
    if (this.text[this.i] === "}") return void this.i++;
    for (;;) {
      this.whitespace();
      if (this.text[this.i] !== '"') this.stop(`unexpected ${this.describe()}; expected a property name in double quotes`);
      this.string();
      this.whitespace();
      if (this.text[this.i] !== ":") this.stop(`unexpected ${this.describe()}; expected ':' after the property name`);
      this.i++;
      this.value();
      this.whitespace();
      const c = this.text[this.i];
      if (c === "}") return void this.i++;
      if (c !== ",") this.stop(`unexpected ${this.describe()}; expected ',' or '}' after a property value`);
      this.i++;
    }
  }

  private array(): void {
    this.i++; // [
    this.whitespace();
    if (this.text[this.i] === "]") return void this.i++;
    for (;;) {
      this.value();
      this.whitespace();
      const c = this.text[this.i];
      if (c === "]") return void this.i++;
      if (c !== ",") this.stop(`unexpected ${this.describe()}; expected ',' or ']' after an array element`);
      this.i++;
    }
  }

  private string(): void {
    this.i++; // opening quote
    for (;;) {
      const c = this.text[this.i];
      if (c === undefined) this.stop(END_OF_INPUT);
      else if (c === '"') return void this.i++;
      else if (c < " ") this.stop("control character inside a string (escape it, e.g. \\n)");
      else if (c === "\\") this.escape();
      else this.i++;
    }
  }

  private escape(): void {
    const c = this.text[this.i + 1];
    if (c === undefined) this.stop(END_OF_INPUT);
    if (c === "u") {
      if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.i + 2, this.i + 6))) this.stop("invalid \\u escape; expected four hex digits");
      this.i += 6;
    } else if ('"\\/bfnrt'.includes(c!)) {
      this.i += 2;
    } else {
      this.stop(`invalid escape \\${c}`);
    }
  }

  private number(): void {
    const match = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(this.text.slice(this.i, this.i + 400));
    if (!match) this.stop(`invalid number starting with ${this.describe()}`);
    this.i += match![0].length;
  }

  private literal(word: string): void {
    for (const expected of word) {
      if (this.text[this.i] === undefined) this.stop(END_OF_INPUT);
      if (this.text[this.i] !== expected) this.stop(`unexpected ${this.describe()}; expected "${word}"`);
      this.i++;
    }
  }

  private whitespace(): void {
    while (" \t\n\r".includes(this.text[this.i] ?? "x")) this.i++;
  }

  private describe(): string {
    const c = this.text[this.i];
    if (c === undefined) return "end of input";
    return c < " " ? `character U+${c.charCodeAt(0).toString(16).padStart(4, "0").toUpperCase()}` : `'${c}'`;
  }

  private stop(reason: string): never {
    throw new SyntaxStop(this.i, reason);
  }
}
