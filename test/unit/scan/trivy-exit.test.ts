import { describe, expect, it } from "vitest";
import { interpretExit, nextScanStep, type TrivyOutcome } from "../../../core/scan/trivy-exit.js";
import { FINDINGS_EXIT_CODE, planTrivyScan, type TrivyScanOptions } from "../../../core/scan/trivy-plan.js";

const mirrors = ["127.0.0.1:1/trivy-db:2", "mirror.gcr.io/aquasec/trivy-db:2"];
const options: TrivyScanOptions = { target: { kind: "rootfs", dir: "/rootfs" }, outputPath: "/out/t.json", cacheDir: "/cache", dbRepository: mirrors };
const plan = planTrivyScan(options);
const first = plan.attempts[0]!;

// Trivy 0.74.0's stderr, as printed by the runs in test/host/trivy-scan.test.ts.
const CONNECTION_REFUSED = `2026-11-22T04:01:42Z	INFO	[vulndb] Downloading artifact...	repo="127.0.0.1:1/trivy-db:2"
2026-11-22T04:01:42Z	FATAL	Fatal error	run error: init error: DB error: failed to download vulnerability DB: OCI artifact error: failed to download vulnerability DB: failed to download artifact from 127.0.0.1:1/trivy-db:2: OCI repository error: 1 error occurred:
	* Get "https://127.0.0.1:1/v2/": dial tcp 127.0.0.1:1: connect: connection refused; Get "http://127.0.0.1:1/v2/": dial tcp 127.0.0.1:1: connect: connection refused
`;
const FIRST_RUN_SKIP = `2026-11-22T04:01:42Z	ERROR	[vulndb] The first run cannot skip downloading DB
2026-11-22T04:01:42Z	FATAL	Fatal error	run error: init error: DB error: database error: --skip-db-update cannot be specified on the first run
`;
const RATE_LIMITED = `2026-11-22T04:01:42Z	FATAL	Fatal error	run error: init error: DB error: failed to download vulnerability DB: OCI artifact error: failed to download vulnerability DB: failed to download artifact from any source: 2 errors occurred:
	* GET https://mirror.gcr.io/v2/aquasec/trivy-db/manifests/2: TOOMANYREQUESTS: retry-after: 1.2ms, allowed: 44000/minute
	* GET https://ghcr.io/v2/aquasecurity/trivy-db/manifests/2: TOOMANYREQUESTS: retry-after: 1.2ms, allowed: 44000/minute
`;
const TIMEOUT = `2026-11-22T04:01:42Z	WARN	Provide a higher timeout value, see https://trivy.dev/docs/v0.74/guide/references/troubleshooting#timeout
2026-11-22T04:01:42Z	FATAL	Fatal error	run error: image scan error: scan error: scan failed: context deadline exceeded
`;

function error(outcome: TrivyOutcome): Extract<TrivyOutcome, { kind: "error" }> {
  if (outcome.kind !== "error") throw new Error(`expected an error, got ${outcome.kind}`);
  return outcome;
}

describe("interpretExit", () => {
  it("0 is a clean scan, the findings code is findings", () => {
    expect(interpretExit(0, "", first).kind).toBe("ok");
    expect(interpretExit(FINDINGS_EXIT_CODE, "", first).kind).toBe("findings");
  });

  it("explains a DB download failure with the mirrors, the cause and what to do", () => {
    const outcome = error(interpretExit(1, CONNECTION_REFUSED, first));
    expect(outcome.cause).toBe("db-download");
    expect(outcome.message).toMatch(
      /^the vulnerability DB could not be downloaded from 127\.0\.0\.1:1\/trivy-db:2, mirror\.gcr\.io\/aquasec\/trivy-db:2: the registry could not be reached \(network error\); set --db-repository to a mirror/,
    );
    expect(outcome.message).toContain("--skip-db-update");
    expect(outcome.message).toContain("Trivy said: run error: init error: DB error: failed to download vulnerability DB");
  });

  it("recognises rate limiting", () => {
    expect(error(interpretExit(1, RATE_LIMITED, first)).reason).toBe("the registry rate-limited the download (TOOMANYREQUESTS)");
  });

  it("recognises an empty cache with --skip-db-update", () => {
    const outcome = error(interpretExit(1, FIRST_RUN_SKIP, first));
    expect(outcome.cause).toBe("db-missing");
    expect(outcome.message).toContain("there is no vulnerability DB in /cache and --skip-db-update is set");
  });

  it("recognises a timeout, a kill and anything else", () => {
    expect(error(interpretExit(1, TIMEOUT, first)).message).toMatch(/^Trivy did not finish within --timeout 10m/);
    expect(error(interpretExit(137, "", first)).reason).toBe("killed by signal 9 (SIGKILL, often out of memory)");
    const other = error(interpretExit(2, "panic: runtime error\ngoroutine 1 [running]:", first));
    expect([other.cause, other.message]).toEqual(["other", "Trivy failed with exit code 2. Trivy said: panic: runtime error goroutine 1 [running]:"]);
  });
});

describe("nextScanStep", () => {
  const downloadFailed = (attempt: number) => interpretExit(1, CONNECTION_REFUSED, plan.attempts[attempt]!);

  it("runs the first attempt, then reads the report once Trivy scanned", () => {
    expect(nextScanStep(plan, [])).toEqual({ kind: "run", invocation: first });
    expect(nextScanStep(plan, [{ kind: "findings", attempt: 0 }])).toEqual({ kind: "read-report", outputPath: "/out/t.json" });
    expect(nextScanStep(plan, [downloadFailed(0), { kind: "ok", attempt: 1 }])).toEqual({ kind: "read-report", outputPath: "/out/t.json" });
  });

  it("moves to the next mirror after a download failure, then fails closed naming every mirror", () => {
    expect(nextScanStep(plan, [downloadFailed(0)])).toEqual({ kind: "run", invocation: plan.attempts[1] });
    const step = nextScanStep(plan, [downloadFailed(0), downloadFailed(1)]);
    expect(step.kind).toBe("fail");
    expect(step.kind === "fail" && step.message).toMatch(/^the vulnerability DB could not be downloaded from 127\.0\.0\.1:1\/trivy-db:2, mirror\.gcr\.io/);
  });

  it("fails open only when asked, and only for DB downloads", () => {
    const open = planTrivyScan({ ...options, failOpen: true });
    const failures = [interpretExit(1, CONNECTION_REFUSED, open.attempts[0]!), interpretExit(1, RATE_LIMITED, open.attempts[1]!)];
    const step = nextScanStep(open, failures);
    expect(step.kind).toBe("not-scanned");
    expect(step.kind === "not-scanned" && step.reason).toContain("(network error); the registry rate-limited the download (TOOMANYREQUESTS)");
    expect(nextScanStep(open, [interpretExit(1, FIRST_RUN_SKIP, open.attempts[0]!)]).kind).toBe("fail");
    expect(nextScanStep(open, [interpretExit(2, "panic", open.attempts[0]!)]).kind).toBe("fail");
  });
});
