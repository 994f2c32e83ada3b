// Wiring of Gantry.scan and ScanReport (src/dagger/scan.ts, scan-report.ts) against the Dagger
// SIMULATION: Trivy's exit code, stderr and JSON come from the test's script; the adapter's loop over
// the core's next step (next mirror, fail closed or open, read the report) is what is checked.
import { readFileSync } from "node:fs";

import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@dagger.io/dagger", () => import("../support/dagger-simulation.js"));

import { CACHE_BUSTER_ENV, planTrivyScan, TRIVY_IMAGE, type TrivyScanOptions } from "../../src/core/scan/trivy-plan.js";
import type { ScanRequest } from "../../src/dagger/scan.js";
import type { Gantry } from "../../src/index.js";
import { simulation, type Query, type SimNode } from "../support/dagger-simulation.js";
import { gantry, HELLO_API, TOOL_FIXTURES } from "./gantry.js";

/** A real Trivy report: CRITICAL CVE-2019-18224 in libidn2-0 (fixed) and LOW CVE-2019-18276 in bash. */
const DEBIAN = readFileSync(new URL("trivy/trivy-debian-buster.json.golden", TOOL_FIXTURES), "utf8");

const MIRRORS = ["mirror-a.example/trivy-db:2", "mirror-b.example/trivy-db:2", "mirror-c.example/trivy-db:2"];

/** Trivy 0.74's last lines when its DB download fails, with the registry's answer. */
function dbDownloadFailed(mirror: string, answer: string): string {
  return [
    `2026-06-15T12:00:00Z\tINFO\t[vulndb] Need to update DB`,
    `2026-06-15T12:00:00Z\tINFO\t[vulndb] Downloading vulnerability DB...`,
    `2026-06-15T12:00:01Z\tFATAL\tFatal error\trun error: init error: DB error: failed to download vulnerability DB: OCI artifact error: failed to download artifact from ${mirror}: OCI repository error: 1 error occurred:`,
    `\t* GET https://${mirror.split("/")[0]}/v2/trivy-db/manifests/2: ${answer}`,
  ].join("\n");
}

interface TrivyAnswer {
  exitCode: number;
  stderr?: string;
}

/** Answers each Trivy run by the first mirror its --db-repository lists; its JSON is `report`. */
function trivy(byMirror: (mirror: string) => TrivyAnswer, report = DEBIAN) {
  const firstMirror = (n: SimNode | undefined) => {
    const argv = n?.lastExec()?.argv;
    return argv?.[0] === "trivy" ? argv[argv.indexOf("--db-repository") + 1]!.split(",")[0]! : undefined;
  };
  return (q: Query): unknown => {
    const mirror = firstMirror(q.on);
    if (mirror && q.what === "Container.exitCode") return byMirror(mirror).exitCode;
    if (mirror && q.what === "Container.stderr") return byMirror(mirror).stderr ?? "";
    if (q.what === "File.contents" && firstMirror(q.on!.parent) && q.on!.call.args[0] === "/gantry/scan/trivy.json") return report;
    return undefined;
  };
}

const findings: TrivyAnswer = { exitCode: 5 };

function scan(g: Gantry, r: Partial<ScanRequest> = {}) {
  return g.scan(r.imageRef, r.directory, r.platform, r.severities, r.ignoreUnfixed, r.maxCounts, r.allowList, r.ignoreFile, r.dbRepositories, r.javaDbRepositories, r.timeout, r.trivyImage, r.trivyCache, r.failOpen);
}

/** The Trivy runs, in order (each asked for its exit code once). */
function trivyRuns(): SimNode[] {
  return simulation.askedFor("Container.exitCode").map((a) => a.on!);
}

function plan(extra: Partial<TrivyScanOptions> = {}) {
  return planTrivyScan({
    target: { kind: "image-archive", path: "/gantry/scan/image.tar" },
    outputPath: "/gantry/scan/trivy.json",
    cacheDir: "/gantry/trivy-cache",
    workdir: "/gantry/scan/work",
    timeout: "10m",
    ...extra,
  });
}

beforeEach(() => simulation.reset(trivy(() => findings)));

describe("scan: the Trivy run", () => {
  it("runs the core's argv on the pinned Trivy image, keeping any exit code, with the DB cache volume mounted", async () => {
    await scan(gantry());
    const [run] = trivyRuns();
    expect(run!.calls("from").map((c) => c.args[0])).toEqual([TRIVY_IMAGE]);
    expect(run!.execs()).toEqual([{ argv: plan().attempts[0]!.argv, options: { expect: "ANY" } }]);
    expect(run!.calls("withWorkdir").map((c) => c.args[0])).toEqual(["/gantry/scan/work"]);
    const [cache] = run!.calls("withMountedCache");
    expect([cache!.args[0], simulation.node(cache!.args[1]).call.args[0]]).toEqual(["/gantry/trivy-cache", "gantry-trivy-db"]);
  });

  it("re-runs every time: the cache buster is the scan's start time, which the report keeps", async () => {
    const report = await scan(gantry());
    const [run] = trivyRuns();
    expect(run!.envVariables()[CACHE_BUSTER_ENV]).toBe(report.scannedAt);
    expect(Date.parse(report.scannedAt)).not.toBeNaN();
  });

  it("scans what ships: the tarball of the image Gantry builds for the engine's platform, where the argv reads it", async () => {
    simulation.reset((q) => (q.what === "dag.defaultPlatform" ? "linux/arm64" : trivy(() => findings)(q)));
    await scan(gantry());
    const [run] = trivyRuns();
    const [mount] = run!.calls("withMountedFile");
    expect(mount!.args[0]).toBe("/gantry/scan/image.tar");
    const tarball = simulation.node(mount!.args[1]);
    expect(tarball.call).toEqual({ method: "asTarball", args: [] });
    const image = tarball.parent!;
    expect(image.chain()[0]!.call.args).toEqual([{ platform: "linux/arm64" }]);
    expect(image.calls("withEntrypoint")[0]!.args).toEqual([["/app/hello-api"]]);
  });

  it("--trivy-image and --trivy-cache replace the defaults", async () => {
    const trivyCache = simulation.cacheVolume("ci-trivy");
    await scan(gantry(), { trivyImage: "registry.example/mirror/trivy:0.74.0", trivyCache });
    const [run] = trivyRuns();
    expect(run!.calls("from").map((c) => c.args[0])).toEqual(["registry.example/mirror/trivy:0.74.0"]);
    expect(run!.calls("withMountedCache")[0]!.args).toEqual(["/gantry/trivy-cache", trivyCache]);
    expect(simulation.dagCalls.filter((c) => c.method === "cacheVolume" && c.args[0] === "gantry-trivy-db")).toEqual([]);
  });

  it("--image-ref scans the published image: nothing is built, the report names the image", async () => {
    const report = await scan(gantry(), { imageRef: "ghcr.io/acme/hello-api:1.2.3" });
    expect(simulation.containersCreated()).toBe(1);
    const [run] = trivyRuns();
    expect(run!.lastExec()!.argv).toEqual(plan({ target: { kind: "image", ref: "ghcr.io/acme/hello-api:1.2.3" } }).attempts[0]!.argv);
    expect(run!.calls("withMountedFile")).toEqual([]);
    expect(report.imageName).toBe("ghcr.io/acme/hello-api:1.2.3");
  });

  it("--directory mounts the directory where the argv reads it, and builds nothing", async () => {
    const directory = simulation.hostDirectory(HELLO_API);
    await scan(gantry(), { directory });
    expect(simulation.containersCreated()).toBe(1);
    const [run] = trivyRuns();
    expect(run!.calls("withMountedDirectory")).toEqual([{ method: "withMountedDirectory", args: ["/gantry/scan/source", directory] }]);
    expect(run!.lastExec()!.argv).toEqual(plan({ target: { kind: "fs", dir: "/gantry/scan/source" } }).attempts[0]!.argv);
  });

  it.each([
    [".trivyignore.yaml", "/gantry/scan/.trivyignore.yaml"],
    ["ignores.txt", "/gantry/scan/.trivyignore"],
  ])("an ignore file named %s is mounted as %s, the name Trivy reads its format from", async (name, path) => {
    const ignoreFile = simulation.file(name, "CVE-2019-18276\n");
    await scan(gantry(), { ignoreFile });
    const [run] = trivyRuns();
    expect(run!.calls("withMountedFile").filter((c) => c.args[1] === ignoreFile).map((c) => c.args[0])).toEqual([path]);
    const argv = run!.lastExec()!.argv;
    expect(argv[argv.indexOf("--ignorefile") + 1]).toBe(path);
  });
});

describe("scan: mistakes are reported before any container is created", () => {
  it("both --image-ref and --directory", async () => {
    await expect(scan(gantry(), { imageRef: "ghcr.io/acme/hello-api:1.2.3", directory: simulation.hostDirectory(HELLO_API) })).rejects.toThrow(/not both/);
    expect(simulation.containersCreated()).toBe(0);
  });

  it("an unknown severity in the gate", async () => {
    await expect(scan(gantry(), { severities: "HIGH,SEVERE" })).rejects.toThrow(/SEVERE/);
    expect(simulation.containersCreated()).toBe(0);
  });

  it("an allow-list that does not parse", async () => {
    await expect(scan(gantry(), { allowList: simulation.file("allow.yaml", "id: CVE-2019-18224\n") })).rejects.toThrow(/allow\.yaml/);
    expect(simulation.containersCreated()).toBe(0);
  });
});

describe("scan: DB mirrors, tried in order", () => {
  const failures: Record<string, string> = {
    [MIRRORS[0]!]: dbDownloadFailed(MIRRORS[0]!, "TOOMANYREQUESTS: retry-after: 1.2ms, allowed: 44000/minute"),
    [MIRRORS[1]!]: dbDownloadFailed(MIRRORS[1]!, "MANIFEST_UNKNOWN: manifest unknown"),
  };

  it("after a DB download failure the next attempt runs with the remaining mirrors; the report is the last run's JSON", async () => {
    simulation.reset(trivy((mirror) => (failures[mirror] ? { exitCode: 1, stderr: failures[mirror] } : findings)));
    const report = await scan(gantry(), { dbRepositories: MIRRORS });
    const runs = trivyRuns();
    expect(runs.map((r) => r.lastExec()!.argv)).toEqual(plan({ dbRepository: MIRRORS }).attempts.map((a) => a.argv));
    expect(runs.map((r) => { const argv = r.lastExec()!.argv; return argv[argv.indexOf("--db-repository") + 1]; })).toEqual([
      MIRRORS.join(","),
      MIRRORS.slice(1).join(","),
      MIRRORS[2],
    ]);
    expect(simulation.node(report.json()).parent).toBe(runs[2]);
    expect(await report.passed()).toBe(false);
  });

  it("when every mirror fails it fails closed, naming every mirror and each reason", async () => {
    simulation.reset(trivy((mirror) => ({ exitCode: 1, stderr: failures[mirror] ?? dbDownloadFailed(mirror, "dial tcp: lookup mirror-c.example: no such host") })));
    const error = await scan(gantry(), { dbRepositories: MIRRORS }).then(() => undefined, (e: Error) => e);
    expect(trivyRuns()).toHaveLength(3);
    expect(error?.message).toContain(`could not be downloaded from ${MIRRORS.join(", ")}`);
    expect(error?.message).toMatch(/rate-limited[\s\S]*MANIFEST_UNKNOWN[\s\S]*network error/);
  });

  it("with --fail-open it returns a report that says why nothing was scanned, with no JSON to export", async () => {
    simulation.reset(trivy((mirror) => ({ exitCode: 1, stderr: failures[mirror] ?? dbDownloadFailed(mirror, "TOOMANYREQUESTS") })));
    const report = await scan(gantry(), { dbRepositories: MIRRORS, failOpen: true });
    expect(report.notScanned).toContain(`could not be downloaded from ${MIRRORS.join(", ")}`);
    expect(await report.passed()).toBe(true);
    await expect(report.check()).resolves.toBeUndefined();
    expect(() => report.json()).toThrow(/nothing was scanned/);
    await expect(report.sarif()).rejects.toThrow(/an empty upload would close every open alert/);
  });

  it("any other Trivy error fails at once, without trying another mirror", async () => {
    simulation.reset(trivy(() => ({ exitCode: 1, stderr: "2026-06-15T12:00:00Z\tFATAL\tFatal error\tcache may be in use by another process: Failed to acquire cache or database lock" })));
    await expect(scan(gantry(), { dbRepositories: MIRRORS, failOpen: true })).rejects.toThrow(/another Trivy process holds the lock on \/gantry\/trivy-cache/);
    expect(trivyRuns()).toHaveLength(1);
  });
});

describe("ScanReport: the gate over the run's own JSON", () => {
  it("exit code 5 (findings): the report reads the JSON that run wrote, and check() lists the failing findings", async () => {
    const report = await scan(gantry());
    const [run] = trivyRuns();
    expect(simulation.node(report.json()).parent).toBe(run);
    expect(await report.count("critical")).toBe(1);
    expect(await report.count("LOW")).toBe(1);
    const error = await report.check().then(() => undefined, (e: Error) => e);
    expect(error?.message).toContain("CRITICAL CVE-2019-18224 libidn2-0");
    expect(error?.message).toContain("(fixed in 2.0.5-1+deb10u1)");
    expect(error?.message).not.toContain("CVE-2019-18276"); // LOW is below the default gate
  });

  it("exit code 0 (no findings) still reads the JSON the run wrote", async () => {
    simulation.reset(trivy(() => ({ exitCode: 0 }), JSON.stringify({ SchemaVersion: 2, ArtifactName: "image.tar", ArtifactType: "container_image", Results: [] })));
    const report = await scan(gantry());
    await expect(report.check()).resolves.toBeUndefined();
    expect(await report.count("CRITICAL")).toBe(0);
  });

  it("the allow-list file given to scan is what the gate applies", async () => {
    const allowList = simulation.file("allow.yaml", "- id: CVE-2019-18224\n  until: 2099-12-31\n  reason: not reachable from hello-api\n");
    const report = await scan(gantry(), { allowList });
    expect(report.allowListName).toBe("allow.yaml");
    await expect(report.check()).resolves.toBeUndefined();
    expect(await report.failing()).toEqual([]);
  });

  it("--severities and --max-counts reach the gate", async () => {
    const strict = await scan(gantry(), { severities: "LOW,CRITICAL", maxCounts: ["CRITICAL=1"] });
    expect(await strict.failing()).toEqual([expect.stringContaining("LOW CVE-2019-18276 bash")]);
  });
});
