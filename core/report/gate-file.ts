// A gate's verdict as a file in its reports directory, so that one `dagger call` exports the reports
// and a CI step judges them without starting the module again (each call costs seconds).

/** The gate file's name inside a reports directory (test and scan alike). */
export const GATE_FILE = "gate.txt";

/** First line `passed` or `failed`; a failure's reason follows, for the job's log. */
export function gateFileText(passed: boolean, reason: string): string {
  return passed ? "passed\n" : `failed\n${reason.endsWith("\n") ? reason : `${reason}\n`}`;
}

/**
 * A POSIX sh script, given the gate file's path as $1: exit 0 when the gate passed; otherwise print
 * the file to stderr and exit 1. A missing or unreadable file fails too.
 */
export const GATE_CHECK_SCRIPT = 'test "$(head -n 1 "$1")" = passed || { cat "$1" >&2; exit 1; }';
