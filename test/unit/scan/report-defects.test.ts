import { describe, expect, it } from "vitest";

import { evaluateGate } from "../../../core/scan/gate.js";
import { toGitLabContainerScanning } from "../../../core/scan/gitlab.js";
import { toMarkdown } from "../../../core/scan/markdown.js";
import { renderScanOutputs } from "../../../core/scan/outputs.js";
import { summaryText } from "../../../core/scan/summary.js";
import { TRIVY_VERSION } from "../../../core/scan/trivy-plan.js";
import { parseTrivyReport } from "../../../core/scan/trivy-report.js";
import { NOW } from "./fixtures.js";
import { reportOf, trivyJson } from "./reports.js";
import { gitlabValidator } from "./schemas.js";

const gitlab = { imageName: "registry.gitlab.com/acme/api:1.2.3", startTime: NOW, endTime: NOW, analyzerVersion: "0.1.0" };

/** One Trivy report whose first vulnerability is changed by `edit`. */
function reportWith(edit: (v: Record<string, unknown>) => void, extra: Record<string, unknown> = {}) {
  const raw = JSON.parse(trivyJson([{ id: "CVE-2024-1", severity: "HIGH" }], extra)) as { Results: { Vulnerabilities: Record<string, unknown>[] }[] };
  edit(raw.Results[0]!.Vulnerabilities[0]!);
  return parseTrivyReport(JSON.stringify(raw), "r.json");
}

describe("what was scanned", () => {
  it("reads an empty ArtifactName as an unnamed target", () => {
    const report = reportOf([], { ArtifactName: "" });
    const verdict = evaluateGate(report, { now: NOW });
    expect(summaryText(report, verdict).split("\n")[0]).toBe("Scanned unnamed target (alpine 3.22.1) with Trivy 0.74.0");
    expect(toMarkdown(report, verdict)).toContain("Scanned unnamed target (alpine 3.22.1) with Trivy 0.74.0.");
  });

  it("names the image given as --image-name, not the tarball's path inside Trivy's container", () => {
    const report = reportOf([], { ArtifactName: "/gantry/scan/image.tar" });
    const verdict = evaluateGate(report, { now: NOW });
    const input = { report, verdict, startTime: NOW, endTime: NOW, analyzerVersion: "0.1.0" };
    const named = renderScanOutputs({ ...input, imageName: "ghcr.io/acme/api:1.2.3" });
    expect(named.summary.split("\n")[0]).toBe("Scanned ghcr.io/acme/api:1.2.3 (alpine 3.22.1) with Trivy 0.74.0");
    expect(named.markdown).toContain("Scanned ghcr.io/acme/api:1.2.3 (alpine 3.22.1) with Trivy 0.74.0.");
    expect(named.junit).toContain('name="vulnerability scan: ghcr.io/acme/api:1.2.3"');
    for (const text of [named.summary, named.markdown, named.junit]) expect(text).not.toContain("/gantry/scan");
    // Without a name, Trivy's is all there is.
    expect(renderScanOutputs(input).summary.split("\n")[0]).toBe("Scanned /gantry/scan/image.tar (alpine 3.22.1) with Trivy 0.74.0");
  });
});

describe("GitLab report", () => {
  it("gives one package at two paths two finding ids", () => {
    const raw = JSON.parse(trivyJson([{ id: "GHSA-1", severity: "HIGH", target: "app", class: "lang-pkgs" }])) as {
      Results: { Target: string; Vulnerabilities: Record<string, unknown>[] }[];
    };
    const [v] = raw.Results[0]!.Vulnerabilities;
    raw.Results[0]!.Vulnerabilities = [
      { ...v, PkgPath: "app/lib/a.jar" },
      { ...v, PkgPath: "app/vendor/a.jar" },
    ];
    const out = toGitLabContainerScanning(parseTrivyReport(JSON.stringify(raw), "r.json"), gitlab);
    expect(out.vulnerabilities).toHaveLength(2);
    expect(new Set(out.vulnerabilities.map((x) => x.id)).size).toBe(2);
  });

  it("names the Trivy version the report says ran", () => {
    const out = toGitLabContainerScanning(reportOf([{ id: "CVE-1", severity: "LOW" }], { Trivy: { Version: "0.51.2" } }), gitlab);
    expect(out.scan.scanner.version).toBe("0.51.2");
  });

  it("never names the pinned version for a report that does not say which Trivy ran", () => {
    const out = toGitLabContainerScanning(reportOf([{ id: "CVE-1", severity: "LOW" }], { Trivy: undefined }), gitlab);
    expect(out.scan.scanner.version).not.toBe(TRIVY_VERSION);
    expect(out.scan.scanner.version).toBe("unknown");
    expect(gitlabValidator()(JSON.parse(JSON.stringify(out)))).toEqual([]);
  });
});

describe("Markdown escapes HTML and emits only http(s) links", () => {
  const markdownOf = (report: ReturnType<typeof reportWith>) => toMarkdown(report, evaluateGate(report, { now: NOW }));

  it("never links a javascript: PrimaryURL", () => {
    const md = markdownOf(reportWith((v) => (v.PrimaryURL = "javascript:alert(1)")));
    expect(md).not.toMatch(/javascript:/i);
    expect(md).toContain("| HIGH | CVE-2024-1 |");
  });

  it("keeps an https PrimaryURL as a link, its parentheses and spaces encoded", () => {
    const md = markdownOf(reportWith((v) => (v.PrimaryURL = "https://example.com/a b)c")));
    expect(md).toContain("[CVE-2024-1](https://example.com/a%20b%29c)");
  });

  it("escapes HTML and link syntax in findings and in what was scanned", () => {
    const md = markdownOf(
      reportWith(
        (v) => {
          v.PkgName = '<img src=x onerror="alert(1)">';
          v.VulnerabilityID = "[x](javascript:alert(1))";
        },
        { ArtifactName: "<script>alert(1)</script>" },
      ),
    );
    expect(md).not.toMatch(/<img|<script|(?<!\\)\]\(javascript:/i);
    expect(md).toContain("\\[x\\](javascript:alert(1))");
    expect(md).toContain('&lt;img src=x onerror="alert(1)"&gt;');
    expect(md).toContain("Scanned &lt;script&gt;alert(1)&lt;/script&gt;");
  });
});
