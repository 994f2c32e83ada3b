// Exported report directories against the Dagger SIMULATION: one rule for all of them (directory
// 0755, files 0644, core/tool-access.ts REPORT_MODES), whatever mode the step that wrote a file gave
// it, and the scan's reports naming the image given as --image-name.
import { readFileSync } from "node:fs";

import type { File } from "@dagger.io/dagger";
import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@dagger.io/dagger", () => import("../support/dagger-simulation.js"));

import { ScanReport } from "../../src/scan-report.js";
import { TestReport } from "../../src/test-report.js";
import { trivyJson } from "../unit/scan/reports.js";
import { simulation, tree, type SimNode } from "../support/dagger-simulation.js";

const GO_EVENTS = readFileSync(new URL("../fixtures/gotest/gojunit-101-fail.gojson.txt", import.meta.url), "utf8");

beforeEach(() => simulation.reset());

/** The exported directory's own mode and each file's, as its chain of calls sets them. */
function modes(dir: SimNode): { directory: unknown; files: Record<string, unknown> } {
  expect(dir.call).toEqual({ method: "directory", args: ["reports"] });
  const made = dir.calls("withNewDirectory");
  expect(made.map((c) => c.args[0])).toEqual(["reports"]);
  const files = dir.calls().filter((c) => c.method === "withFile" || c.method === "withNewFile");
  return { directory: made[0]!.args[1], files: Object.fromEntries(files.map((c) => [String(c.args[0]).replace(/^reports\//, ""), c.args[2]])) };
}

describe("exported report directories", () => {
  it("test reports: 0755, and every file 0644, go-test.json (go test's 0600 redirected stdout) too; gate.txt the verdict", async () => {
    const events = simulation.file("go-test.json", GO_EVENTS) as File;
    const report = await TestReport.of({ events, exitCode: 1 });
    const dir = simulation.node(report.reports);
    const { directory, files } = modes(dir);
    expect(directory).toEqual({ permissions: 0o755 });
    expect(files).toEqual({
      "junit.xml": { permissions: 0o644 },
      "go-test.json": { permissions: 0o644 },
      "coverage.out": { permissions: 0o644 },
      "coverage.xml": { permissions: 0o644 },
      "summary.md": { permissions: 0o644 },
      "gate.txt": { permissions: 0o644 },
    });
    expect([...tree(dir)!.keys()].sort()).toEqual(["coverage.out", "coverage.xml", "gate.txt", "go-test.json", "junit.xml", "summary.md"]);
    expect((tree(dir)!.get("gate.txt") as { text: string }).text).toMatch(/^failed\ngo test failed \(exit code 1\)/);
    expect(report.ok).toBe(false);
  });

  it("scan reports: 0755, every file 0644, summary.md names the image given as --image-name, gate.txt the verdict", async () => {
    const report = await ScanReport.of({
      trivyJson: trivyJson([{ id: "CVE-2024-1", severity: "HIGH" }], { ArtifactName: "/gantry/scan/image.tar" }),
      severities: ["HIGH", "CRITICAL"],
      ignoreUnfixed: false,
      maxCounts: [],
      allowListName: "",
      allowListText: "",
      scannedAt: "2026-12-07T09:00:00Z",
      finishedAt: "2026-12-07T09:01:00Z",
      imageName: "ghcr.io/acme/api:1.2.3",
    });
    const dir = simulation.node(report.reports);
    const { directory, files } = modes(dir);
    expect(directory).toEqual({ permissions: 0o755 });
    expect(Object.keys(files).sort()).toEqual([
      "gate.txt",
      "gl-container-scanning-report.json",
      "summary.md",
      "summary.txt",
      "trivy-junit.xml",
      "trivy.json",
      "trivy.sarif",
    ]);
    for (const options of Object.values(files)) expect(options).toEqual({ permissions: 0o644 });
    const text = (name: string) => (tree(dir)!.get(name) as { text: string }).text;
    expect(text("summary.md")).toContain("Scanned ghcr.io/acme/api:1.2.3 (alpine 3.22.1) with Trivy 0.74.0.");
    expect(text("summary.txt")).not.toContain("/gantry/scan");
    expect(text("gate.txt")).toMatch(/^failed\n.*\nHIGH CVE-2024-1 /);
    // Made from text alone, so a scan cached across sessions can still be exported
    // (test/contract/api-hygiene.test.ts MADE_FROM_TEXT): no file comes from anywhere else.
    expect(
      dir
        .calls()
        .map((c) => c.method)
        .filter((m) => m !== "withNewFile"),
    ).toEqual(["directory", "withNewDirectory", "directory"]);
    expect(report.passed).toBe(false);
  });
});
