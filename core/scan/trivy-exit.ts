import { FINDINGS_EXIT_CODE, type TrivyInvocation, type TrivyPlan } from "./trivy-plan.js";

export type TrivyErrorCause = "db-download" | "java-db-download" | "db-missing" | "timeout" | "cache-locked" | "killed" | "other";

/** What one Trivy run came to, from its exit code and stderr. */
export type TrivyOutcome =
  /** Scanned; no vulnerability in the report. */
  | { kind: "ok"; attempt: number }
  /** Scanned; the report lists vulnerabilities (the gate decides whether they matter). */
  | { kind: "findings"; attempt: number }
  /** Trivy did not scan. `message` says what happened and what to do. */
  | { kind: "error"; attempt: number; cause: TrivyErrorCause; reason: string; message: string; detail: string };

/** The single next thing to do for a scan, decided from the plan and the outcomes so far. */
export type ScanStep =
  | { kind: "run"; invocation: TrivyInvocation }
  | { kind: "read-report"; outputPath: string }
  | { kind: "fail"; message: string }
  | { kind: "not-scanned"; reason: string };

/**
 * Reads a Trivy exit status. With `--exit-code 5`, 0 means no vulnerability and 5 means some;
 * Trivy exits 1 on every error, so stderr tells the kind of error apart.
 */
export function interpretExit(code: number, stderr: string, invocation: TrivyInvocation): TrivyOutcome {
  const attempt = invocation.attempt;
  if (code === 0) return { kind: "ok", attempt };
  if (code === FINDINGS_EXIT_CODE) return { kind: "findings", attempt };
  const detail = fatalMessage(stderr);
  const error = (cause: TrivyErrorCause, reason: string, message: string): TrivyOutcome => ({
    kind: "error",
    attempt,
    cause,
    reason,
    message: detail ? `${message}. Trivy said: ${detail}` : message,
    detail,
  });

  if (code >= 128) {
    const signal = code - 128;
    const reason = `killed by signal ${signal}${signal === 9 ? " (SIGKILL, often out of memory)" : ""}`;
    return error("killed", reason, `Trivy was ${reason}`);
  }
  if (/--skip-db-update cannot be specified on the first run/.test(stderr)) {
    return error(
      "db-missing",
      "no DB in the cache",
      `there is no vulnerability DB in ${invocation.cacheDir} and --skip-db-update is set; run once without --skip-db-update, or pre-load the DB into that cache directory`,
    );
  }
  if (/failed to download vulnerability DB/i.test(stderr)) {
    const reason = downloadReason(stderr);
    return error("db-download", reason, dbDownloadMessage("vulnerability DB", invocation.dbRepositories, reason, "--db-repository", "--skip-db-update"));
  }
  if (/Java DB (?:error|update failed)|failed to download Java DB/i.test(stderr)) {
    const reason = downloadReason(stderr);
    return error(
      "java-db-download",
      reason,
      dbDownloadMessage("Java DB", invocation.javaDbRepositories, reason, "--java-db-repository", "--skip-java-db-update"),
    );
  }
  if (/Provide a higher timeout value/.test(stderr)) {
    return error("timeout", "timed out", `Trivy did not finish within --timeout ${invocation.timeout}; raise the timeout`);
  }
  if (/Failed to acquire cache or database lock/.test(stderr)) {
    return error(
      "cache-locked",
      "cache locked",
      `another Trivy process holds the lock on ${invocation.cacheDir}; run scans that share a cache directory one after another`,
    );
  }
  return error("other", `exit ${code}`, `Trivy failed with exit code ${code}`);
}

/**
 * Decides what to do next: run the first attempt; after a DB download failure, the next mirror;
 * after a scan, read the report. When every mirror failed, fail closed, or report "not scanned"
 * if the plan fails open. Any other error always fails.
 */
export function nextScanStep(plan: TrivyPlan, outcomes: readonly TrivyOutcome[]): ScanStep {
  const last = outcomes[outcomes.length - 1];
  if (last === undefined) return { kind: "run", invocation: plan.attempts[0]! };
  if (last.kind !== "error") return { kind: "read-report", outputPath: plan.attempts[last.attempt]!.outputPath };
  const isDownload = last.cause === "db-download" || last.cause === "java-db-download";
  const next = plan.attempts[last.attempt + 1];
  if (isDownload && next) return { kind: "run", invocation: next };
  if (!isDownload) return { kind: "fail", message: last.message };
  const message = allMirrorsFailed(plan, outcomes, last);
  return plan.failOpen ? { kind: "not-scanned", reason: message } : { kind: "fail", message };
}

function allMirrorsFailed(plan: TrivyPlan, outcomes: readonly TrivyOutcome[], last: Extract<TrivyOutcome, { kind: "error" }>): string {
  if (outcomes.length === 1) return last.message;
  const java = last.cause === "java-db-download";
  const first = plan.attempts[0]!;
  const mirrors = java ? first.javaDbRepositories : first.dbRepositories;
  const reasons = [...new Set(outcomes.flatMap((o) => (o.kind === "error" ? [o.reason] : [])))].join("; ");
  const what = java ? "Java DB" : "vulnerability DB";
  const flags = java ? ["--java-db-repository", "--skip-java-db-update"] : ["--db-repository", "--skip-db-update"];
  const message = dbDownloadMessage(what, mirrors, reasons, flags[0]!, flags[1]!);
  return last.detail ? `${message}. Trivy said last: ${last.detail}` : message;
}

function dbDownloadMessage(what: string, mirrors: readonly string[], reason: string, repositoryFlag: string, skipFlag: string): string {
  return (
    `the ${what} could not be downloaded from ${mirrors.join(", ")}: ${reason}; ` +
    `set ${repositoryFlag} to a mirror you can reach (several are tried in order), ` +
    `or pre-load the DB into the cache directory and set ${skipFlag}`
  );
}

const DOWNLOAD_REASONS: [RegExp, string][] = [
  [/TOOMANYREQUESTS|Too Many Requests|status code 429/i, "the registry rate-limited the download (TOOMANYREQUESTS)"],
  [/MANIFEST_UNKNOWN|manifest unknown|NAME_UNKNOWN|name unknown/i, "the repository or tag does not exist (MANIFEST_UNKNOWN)"],
  [/UNAUTHORIZED|DENIED|authentication required/i, "the registry refused access (UNAUTHORIZED/DENIED); log in or use a public mirror"],
  [/unacceptable media type|must be a single layer|annotation .* is missing/i, "the repository does not hold a Trivy DB artifact"],
  [
    /no such host|connection refused|dial tcp|i\/o timeout|network is unreachable|TLS handshake timeout|connection reset|context deadline exceeded|EOF/i,
    "the registry could not be reached (network error)",
  ],
];

function downloadReason(stderr: string): string {
  return DOWNLOAD_REASONS.find(([pattern]) => pattern.test(stderr))?.[1] ?? "the download failed";
}

/** Trivy's final error: the FATAL log line and its continuation lines, on one line. */
function fatalMessage(stderr: string): string {
  const start = stderr.search(/\bFATAL\b/);
  const text = start === -1 ? lastLines(stderr) : stderr.slice(start).replace(/^FATAL\s+(?:Fatal error|Error)?\s*/, "");
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length > 1000 ? `${oneLine.slice(0, 1000)}…` : oneLine;
}

function lastLines(stderr: string): string {
  return stderr.trim().split("\n").slice(-3).join(" ");
}
