// Real Trivy downloading its DB from loopback mirrors: one refuses connections (Trivy does not move
// on by itself), one is rate-limited (Trivy moves on), one serves the fixture DB. Checks that the
// attempts planned by trivy-plan.ts reach the good mirror, and that failing open says "not scanned".
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evaluateGate, notScannedVerdict } from "../../core/scan/gate.js";
import { planTrivyScan, type TrivyScanOptions } from "../../core/scan/trivy-plan.js";
import { findingsOf, parseTrivyReport } from "../../core/scan/trivy-report.js";
import { findTrivy, FIXTURE_ROOTFS, runScanLoop, writeFixtureDb } from "../fixtures/trivy-db/host.js";
import { closedPort, type FixtureRegistry, startFixtureRegistry } from "../fixtures/trivy-db/registry-simulation.js";

const NOW = new Date("2026-06-15T12:00:00Z");
let tmp: string;
let registry: FixtureRegistry | undefined;
let dead: string;
/** Trivy's path once the mirrors run; rejects (failing every test) when Trivy is missing. */
let ready: Promise<string>;

function options(name: string, dbRepository: string[], extra: Partial<TrivyScanOptions> = {}): TrivyScanOptions {
  const dir = join(tmp, name);
  mkdirSync(join(dir, "work"), { recursive: true });
  return {
    target: { kind: "rootfs", dir: FIXTURE_ROOTFS },
    outputPath: join(dir, "trivy.json"),
    cacheDir: join(dir, "cache"),
    workdir: join(dir, "work"),
    dbRepository,
    skipJavaDbUpdate: true,
    offlineScan: true,
    timeout: "100s",
    ...extra,
  };
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "gantry-trivy-mirrors-"));
  ready = findTrivy().then(async (trivy) => {
    const source = join(tmp, "source");
    await writeFixtureDb(source);
    registry = await startFixtureRegistry({ databases: { "good/trivy-db": join(source, "db") }, rateLimited: ["limited/trivy-db"] });
    dead = `127.0.0.1:${await closedPort()}/dead/trivy-db:2`;
    return trivy;
  });
  await ready.catch(() => undefined); // the error fails each test below instead of skipping them
});

afterAll(async () => {
  await registry?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function started(): FixtureRegistry {
  if (!registry) throw new Error("the loopback registry did not start");
  return registry;
}

describe("DB mirrors with the real Trivy", () => {
  it("after a refused mirror, the next attempt passes the rate-limited one and downloads from the good one", async () => {
    const trivy = await ready;
    const registry = started();
    const limited = `${registry.host}/limited/trivy-db:2`;
    const good = `${registry.host}/good/trivy-db:2`;
    const plan = planTrivyScan(options("fallback", [dead, limited, good]));
    registry.requests.length = 0;
    const { step, outcomes } = await runScanLoop(trivy, plan);

    expect(outcomes.map((o) => (o.kind === "error" ? o.cause : o.kind))).toEqual(["db-download", "findings"]);
    expect(outcomes[0]!.kind === "error" && outcomes[0]!.reason).toBe("the registry could not be reached (network error)");
    const asked = registry.requests.filter((r) => r.includes("/manifests/") || r.includes("/blobs/"));
    expect(asked[0]).toMatch(/limited\/trivy-db\/manifests\/2$/);
    expect(asked.some((r) => /good\/trivy-db\/blobs\/sha256:/.test(r))).toBe(true);

    expect(step.kind).toBe("read-report");
    const report = parseTrivyReport(readFileSync(plan.attempts[1]!.outputPath, "utf8"), "trivy.json");
    expect(findingsOf(report)).toHaveLength(4);
    expect(evaluateGate(report, { now: NOW }).status).toBe("failed");
  });

  it("fails closed naming every mirror when none has the DB, or says 'not scanned' when failing open", async () => {
    const trivy = await ready;
    const registry = started();
    const limited = `${registry.host}/limited/trivy-db:2`;
    const missing = `${registry.host}/missing/trivy-db:2`;
    const closed = await runScanLoop(trivy, planTrivyScan(options("closed", [dead, missing])));
    expect(closed.runs.map((r) => r.code)).toEqual([1, 1]);
    expect(closed.step.kind).toBe("fail");
    const message = closed.step.kind === "fail" ? closed.step.message : "";
    expect(message).toContain(`the vulnerability DB could not be downloaded from ${dead}, ${missing}`);
    expect(message).toContain("(MANIFEST_UNKNOWN)");
    expect(message).toContain("set --db-repository to a mirror you can reach");

    const open = await runScanLoop(trivy, planTrivyScan(options("open", [limited], { failOpen: true })));
    expect(open.step.kind).toBe("not-scanned");
    const reason = open.step.kind === "not-scanned" ? open.step.reason : "";
    expect(reason).toContain("TOOMANYREQUESTS");
    expect(notScannedVerdict(reason, {})).toMatchObject({ status: "not-scanned", passed: true });
  });
});
