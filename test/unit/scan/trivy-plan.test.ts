import { describe, expect, it } from "vitest";
import { ArgumentError } from "../../../core/errors.js";
import {
  CACHE_BUSTER_ENV,
  DEFAULT_DB_REPOSITORIES,
  FINDINGS_EXIT_CODE,
  planTrivyScan,
  TRIVY_IMAGE,
  TRIVY_VERSION,
  type TrivyScanOptions,
} from "../../../core/scan/trivy-plan.js";

const base: TrivyScanOptions = { target: { kind: "image-archive", path: "/work/image.tar" }, outputPath: "/out/trivy.json", cacheDir: "/cache/trivy" };

/** The value after a flag, e.g. flag(argv, "--format") === "json". */
function flag(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i === -1 ? undefined : argv[i + 1];
}

describe("planTrivyScan", () => {
  it("pins the Trivy image", () => {
    expect(TRIVY_IMAGE).toBe(`aquasec/trivy:${TRIVY_VERSION}`);
    expect(TRIVY_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("scans an image tarball for vulnerabilities into JSON, with a findings exit code that is not 1", () => {
    const [run] = planTrivyScan(base).attempts;
    const argv = run!.argv;
    expect(argv.slice(0, 2)).toEqual(["trivy", "image"]);
    expect(argv.slice(-2)).toEqual(["--input", "/work/image.tar"]);
    expect([flag(argv, "--scanners"), flag(argv, "--format"), flag(argv, "--output"), flag(argv, "--cache-dir")]).toEqual([
      "vuln",
      "json",
      "/out/trivy.json",
      "/cache/trivy",
    ]);
    expect(flag(argv, "--exit-code")).toBe(String(FINDINGS_EXIT_CODE));
    expect(FINDINGS_EXIT_CODE).not.toBe(1);
    expect(argv).toEqual(expect.arrayContaining(["--skip-version-check", "--disable-telemetry", "--no-progress"]));
    expect(flag(argv, "--cache-backend")).toBe("memory");
    expect(flag(argv, "--timeout")).toBe("10m");
  });

  it("plans each target kind with the target last", () => {
    const plan = (target: TrivyScanOptions["target"]) => planTrivyScan({ ...base, target }).attempts[0]!.argv;
    expect(plan({ kind: "image", ref: "ghcr.io/acme/api:1.2" })).toEqual(expect.arrayContaining(["image", "--image-src", "remote"]));
    expect(plan({ kind: "image", ref: "ghcr.io/acme/api:1.2" }).at(-1)).toBe("ghcr.io/acme/api:1.2");
    expect([plan({ kind: "fs", dir: "/src" })[1], plan({ kind: "fs", dir: "/src" }).at(-1)]).toEqual(["fs", "/src"]);
    expect([plan({ kind: "rootfs", dir: "/rootfs" })[1], plan({ kind: "rootfs", dir: "/rootfs" }).at(-1)]).toEqual(["rootfs", "/rootfs"]);
  });

  it("passes the optional flags only when asked", () => {
    const quiet = planTrivyScan(base).attempts[0]!;
    for (const name of ["--ignorefile", "--skip-db-update", "--skip-java-db-update", "--offline-scan"]) expect(quiet.argv).not.toContain(name);
    expect(quiet.env).toEqual({});
    const all = planTrivyScan({
      ...base,
      ignoreFile: "/src/.trivyignore.yaml",
      skipDbUpdate: true,
      skipJavaDbUpdate: true,
      offlineScan: true,
      timeout: "90s",
      scanners: ["vuln", "secret"],
      cacheBuster: "2026-06-15T12:00:00Z",
      workdir: "/scan",
    }).attempts;
    expect(all).toHaveLength(1);
    const argv = all[0]!.argv;
    expect([flag(argv, "--ignorefile"), flag(argv, "--timeout"), flag(argv, "--scanners")]).toEqual(["/src/.trivyignore.yaml", "90s", "vuln,secret"]);
    expect(argv).toEqual(expect.arrayContaining(["--skip-db-update", "--skip-java-db-update", "--offline-scan"]));
    expect([all[0]!.env[CACHE_BUSTER_ENV], all[0]!.workdir]).toEqual(["2026-06-15T12:00:00Z", "/scan"]);
  });

  it("gives attempt i the mirrors from i on, so each mirror gets a turn after any download failure", () => {
    const mirrors = ["registry.internal:5000/trivy-db:2", "mirror.gcr.io/aquasec/trivy-db:2", "ghcr.io/aquasecurity/trivy-db:2"];
    const plan = planTrivyScan({ ...base, dbRepository: mirrors, javaDbRepository: ["ghcr.io/aquasecurity/trivy-java-db:1"] });
    expect(plan.attempts.map((a) => flag(a.argv, "--db-repository"))).toEqual([mirrors.join(","), mirrors.slice(1).join(","), mirrors[2]]);
    expect(plan.attempts.map((a) => flag(a.argv, "--java-db-repository"))).toEqual(Array(3).fill("ghcr.io/aquasecurity/trivy-java-db:1"));
    expect(plan.attempts.map((a) => a.attempt)).toEqual([0, 1, 2]);
  });

  it("defaults to Trivy's own mirrors, and accepts a comma-separated list", () => {
    expect(flag(planTrivyScan(base).attempts[0]!.argv, "--db-repository")).toBe(DEFAULT_DB_REPOSITORIES.join(","));
    expect(planTrivyScan({ ...base, dbRepository: ["a.example/db:2, b.example/db:2"] }).attempts).toHaveLength(2);
  });

  it("rejects bad arguments by name", () => {
    const bad: [Partial<TrivyScanOptions>, string][] = [
      [{ dbRepository: [] }, "--db-repository"],
      [{ dbRepository: ["https://ghcr.io/x"] }, "--db-repository"],
      [{ timeout: "10 minutes" }, "--timeout"],
      [{ outputPath: "" }, "--output-path"],
      [{ target: { kind: "image", ref: "/tmp/image.tar" } }, "--image-ref"],
      [{ target: { kind: "fs", dir: "--config=x" } }, "--dir"],
      [{ scanners: [] }, "--scanners"],
    ];
    for (const [options, name] of bad) {
      expect(() => planTrivyScan({ ...base, ...options }), name).toThrow(ArgumentError);
      expect(() => planTrivyScan({ ...base, ...options }), name).toThrow(new RegExp(`^${name}:`));
    }
  });
});
