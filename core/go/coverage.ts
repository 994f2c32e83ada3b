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

/**
 * Reads a Go coverprofile (`go test -coverprofile`). A block listed more than once, as with
 * -coverpkg (every test binary lists every covered package) or concatenated profiles, counts once,
 * and counts as covered if any listing ran it.
 */
export function parseCoverProfile(text: string, file = "coverage.out"): CoverageSummary {
  const blocks = new Map<string, { statements: number; covered: boolean }>();
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
      throw new FileError(file, `block ${key} has ${statements} statements here but ${known.statements} earlier; the profiles come from different sources`, lineNumber);
    }
    const covered = Number(count) > 0;
    if (known) known.covered ||= covered;
    else blocks.set(key, { statements: Number(statements), covered });
  });
  let statements = 0;
  let covered = 0;
  for (const block of blocks.values()) {
    statements += block.statements;
    if (block.covered) covered += block.statements;
  }
  return { statements, covered, percent: statements === 0 ? 0 : (covered / statements) * 100 };
}

function clip(line: string): string {
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}
