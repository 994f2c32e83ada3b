import { FileError } from "../errors.js";

export interface CoverageSummary {
  statements: number;
  covered: number;
  /** 0–100; 0 when there are no statements. */
  percent: number;
}

const MODE_LINE = /^mode: (set|count|atomic)$/;
// The same pattern `go tool cover` uses; the file name may itself contain colons (C:\...).
const BLOCK_LINE = /^(.+):(\d+)\.(\d+),(\d+)\.(\d+) (\d+) (\d+)$/;

/** One block of a Go coverprofile: a span of source lines, its statements and how often it ran. */
export interface CoverBlock {
  /** The file as the profile names it: import path and file name (example.com/api/internal/x.go). */
  file: string;
  startLine: number;
  endLine: number;
  statements: number;
  /** The highest count any listing of the block gave (0: never ran). */
  count: number;
}

/**
 * Reads a Go coverprofile (`go test -coverprofile`) into its blocks. A block listed more than once,
 * as with -coverpkg (every test binary lists every covered package) or concatenated profiles,
 * counts once, and counts as covered if any listing ran it.
 */
export function parseCoverBlocks(text: string, file = "coverage.out"): CoverBlock[] {
  const blocks = new Map<string, CoverBlock>();
  let sawMode = false;
  text.split("\n").forEach((raw, index) => {
    const line = raw.trimEnd();
    const lineNumber = index + 1;
    if (line === "") return;
    if (line.startsWith("mode:")) {
      if (!MODE_LINE.test(line)) throw new FileError(file, `unknown coverage mode "${line.slice(5).trim()}"; expected set, count or atomic`, lineNumber);
      sawMode = true;
      return;
    }
    if (!sawMode) throw new FileError(file, `a Go coverprofile starts with "mode: set|count|atomic", not "${clip(line)}"`, lineNumber);
    const match = BLOCK_LINE.exec(line);
    if (!match) throw new FileError(file, `"${clip(line)}" is not a coverage block (file:line.col,line.col statements count)`, lineNumber);
    const [, name, startLine, startCol, endLine, endCol, statements, count] = match;
    const key = `${name}:${startLine}.${startCol},${endLine}.${endCol}`;
    const known = blocks.get(key);
    if (known && known.statements !== Number(statements)) {
      throw new FileError(
        file,
        `block ${key} has ${statements} statements here but ${known.statements} earlier; the profiles come from different sources`,
        lineNumber,
      );
    }
    if (known) known.count = Math.max(known.count, Number(count));
    else blocks.set(key, { file: name!, startLine: Number(startLine), endLine: Number(endLine), statements: Number(statements), count: Number(count) });
  });
  return [...blocks.values()];
}

/** Statement coverage of a Go coverprofile. */
export function parseCoverProfile(text: string, file = "coverage.out"): CoverageSummary {
  let statements = 0;
  let covered = 0;
  for (const block of parseCoverBlocks(text, file)) {
    statements += block.statements;
    if (block.count > 0) covered += block.statements;
  }
  return { statements, covered, percent: statements === 0 ? 0 : (covered / statements) * 100 };
}

function clip(line: string): string {
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}
