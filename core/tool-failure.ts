import { GantryError } from "./errors.js";

/** What the engine reports about a command that exited non-zero (Dagger's ExecError carries the same fields). */
export interface ExecFailure {
  cmd: readonly string[];
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Lines of the tool's output an error keeps: enough for a Go tool's wrapped error, short enough to read in a check's summary. */
export const TAIL_LINES = 20;
const MAX_LINE = 500;
const MAX_COMMAND = 300;

/** A container step failed: names the step and the command, with the end of what the tool wrote. */
export class ToolError extends GantryError {
  override name = "ToolError";
  constructor(
    readonly step: string,
    readonly exitCode: number,
    readonly tail: string,
    message: string,
  ) {
    super(message);
  }
}

/** The last `lines` non-empty lines of a tool's output, each cut to a readable length. */
export function outputTail(text: string, lines = TAIL_LINES): string {
  return text
    .split(/\r?\n/)
    .map((l) => l.trimEnd())
    .filter((l) => l !== "")
    .slice(-lines)
    .map((l) => (l.length > MAX_LINE ? `${l.slice(0, MAX_LINE)}…` : l))
    .join("\n");
}

/**
 * The error a user sees when a container step fails: which step (`crane push`, `cosign sign`, ...),
 * the command that failed (the step's own, or one it depends on, such as the build under a scan)
 * and its exit code, and the tail of its stderr (of its stdout when stderr is empty: some tools
 * report there), instead of the engine's bare `exit code: 1`.
 */
export function toolFailure(step: string, failure: ExecFailure): ToolError {
  const command = failure.cmd.join(" ");
  const shown = command.length > MAX_COMMAND ? `${command.slice(0, MAX_COMMAND)}…` : command;
  const tail = outputTail(failure.stderr) || outputTail(failure.stdout);
  const said = tail === "" ? " and printed nothing" : `:\n${tail}`;
  return new ToolError(step, failure.exitCode, tail, `${step}: \`${shown}\` exited with code ${failure.exitCode}${said}`);
}
