// How a stage's work becomes its result, the same for the Dagger executor (dagger/run.ts) and the
// host executor of the end-to-end test: what counts as passed, and what the stage hands on.
import type { TestReport } from "../go/test-report.js";
import { suitePassed } from "../go/test-outcome.js";
import { rolloutSucceeded, type RolloutReport } from "../kube/report.js";
import type { GateVerdict } from "../scan/gate.js";
import type { StageResult } from "./runner.js";

/** A go test run: passed when go test exited 0 and no test or package failed. */
export function testResult(report: TestReport, exitCode: number, coverage: number | undefined): StageResult {
  return { status: suitePassed(report, exitCode) ? "passed" : "failed", output: { kind: "test", ...report.totals, coverage } };
}

/** A rollout: passed when it promoted, or found the digest already running; an abort is a rollback. */
export function deployResult(environment: string, image: string, report: RolloutReport): StageResult {
  const steps = report.actions.map((a) => ({ name: `${a.kind}${a.weight === undefined ? "" : ` ${a.weight}%`}`, status: "passed" as const }));
  const ok = rolloutSucceeded(report.verdict);
  return {
    status: ok ? "passed" : "failed",
    output: { kind: "deploy", environment, image, steps, rolledBack: report.verdict === "aborted" },
    ...(ok ? {} : { error: `rollout ${report.verdict}: ${report.reason}` }),
  };
}

/** A scan: passed when the gate passed (a fail-open "not scanned" passes, as the gate says). */
export function scanResult(verdict: GateVerdict, scannedAt?: string): StageResult {
  const output = {
    kind: "scan" as const,
    verdict: verdict.status,
    counts: verdict.counts,
    failing: verdict.failing.length,
    ...(scannedAt ? { scannedAt } : {}),
  };
  return { status: verdict.passed ? "passed" : "failed", output };
}
