import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { daggerCall, daggerCallOk, ENGINE_SUITE, engineSuite, exampleDir, skipReason } from "./engine.js";

describe.skipIf(skipReason)(engineSuite("engine: Trivy scan of the hello-api image"), ENGINE_SUITE, () => {
  it("scans the built image and counts what Trivy reported", async () => {
    const summary = await daggerCallOk(["scan", "summary"]);
    expect(summary).toMatch(/Gate: /);
    const trivy = JSON.parse(await daggerCallOk(["scan", "json", "contents"])) as { Results?: { Vulnerabilities?: { Severity: string }[] }[] };
    const lows = (trivy.Results ?? []).flatMap((r) => r.Vulnerabilities ?? []).filter((v) => v.Severity === "LOW").length;
    expect(Number(await daggerCallOk(["scan", "count", "--severity", "LOW"]))).toBe(lows);
  });

  it("writes every report of one scan into a directory", async () => {
    const listing = await daggerCallOk(["scan", "--image-name", "registry.example.com/acme/hello-api:1.0.0", "reports", "entries"]);
    for (const name of ["trivy.json", "trivy.sarif", "gl-container-scanning-report.json", "trivy-junit.xml", "summary.md", "gate.txt"])
      expect(listing).toContain(name);
    // What was scanned is the image named, not the tarball's path inside Trivy's container.
    const summary = await daggerCallOk([
      "scan",
      "--image-name",
      "registry.example.com/acme/hello-api:1.0.0",
      "reports",
      "file",
      "--path",
      "summary.md",
      "contents",
    ]);
    expect(summary).toContain("Scanned registry.example.com/acme/hello-api:1.0.0");
    expect(summary).not.toContain("/gantry/scan");
    const sarif = JSON.parse(await daggerCallOk(["scan", "sarif", "contents"]));
    expect(sarif.version).toBe("2.1.0");
  });

  it("fails closed with the mirrors named when no DB can be downloaded", async () => {
    const repo = mkdtempSync(join(tmpdir(), "gantry-scan-"));
    cpSync(exampleDir, repo, { recursive: true });
    mkdirSync(join(repo, "pipelines"));
    writeFileSync(
      join(repo, "pipelines/gantry.yaml"),
      "scan:\n  dbRepositories: [localhost:1/nothing/trivy-db:2]\n  trivyCache: gantry-empty-trivy-cache-for-test\n",
    );
    const res = await daggerCall(["scan", "--source", repo, "passed"]);
    expect(res.status).not.toBe(0);
    expect(res.stderr).toContain("localhost:1/nothing/trivy-db:2");
  });
});
