import { describe, expect, it } from "vitest";

import { daggerCall, daggerCallOk, engineSuite, exampleDir, skipReason } from "./engine.js";

describe.skipIf(skipReason)(engineSuite("engine: Trivy scan of the hello-api image"), () => {
  it("scans the built image and counts what Trivy reported", async () => {
    const summary = await daggerCallOk(["--source", exampleDir, "scan", "summary"]);
    expect(summary).toMatch(/Gate: /);
    const trivy = JSON.parse(await daggerCallOk(["--source", exampleDir, "scan", "json", "contents"])) as { Results?: { Vulnerabilities?: { Severity: string }[] }[] };
    const lows = (trivy.Results ?? []).flatMap((r) => r.Vulnerabilities ?? []).filter((v) => v.Severity === "LOW").length;
    expect(Number(await daggerCallOk(["--source", exampleDir, "scan", "count", "--severity", "low"]))).toBe(lows);
  });

  it("writes a SARIF and a GitLab report for the image", async () => {
    const sarif = JSON.parse(await daggerCallOk(["--source", exampleDir, "scan", "sarif", "contents"]));
    expect(sarif.version).toBe("2.1.0");
    const gitlab = JSON.parse(await daggerCallOk(["--source", exampleDir, "scan", "gitlab", "--image-name", "registry.example.com/acme/hello-api:1.0.0", "contents"]));
    expect(gitlab.scan.type).toBe("container_scanning");
  });

  it("fails closed with the mirrors named when no DB can be downloaded", async () => {
    const res = await daggerCall(["--source", exampleDir, "scan", "--db-repositories", "localhost:1/nothing/trivy-db:2", "--trivy-cache", "gantry-empty-trivy-cache-for-test", "passed"]);
    expect(res.status).not.toBe(0);
    expect(res.stderr).toContain("localhost:1/nothing/trivy-db:2");
  });
});
