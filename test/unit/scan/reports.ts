import { parseTrivyReport, type TrivyReport } from "../../../core/scan/trivy-report.js";

export interface VulnSpec {
  id: string;
  severity: string;
  pkg?: string;
  fixed?: string;
  status?: string;
  target?: string;
  class?: string;
}

/** A Trivy JSON text with the given vulnerabilities, grouped into results by target. */
export function trivyJson(vulns: VulnSpec[], extra: Record<string, unknown> = {}): string {
  const targets = [...new Set(vulns.map((v) => v.target ?? "ghcr.io/acme/api:1.0 (alpine 3.22.1)"))];
  return JSON.stringify({
    SchemaVersion: 2,
    Trivy: { Version: "0.74.0" },
    ArtifactName: "ghcr.io/acme/api:1.0",
    ArtifactType: "container_image",
    Metadata: { OS: { Family: "alpine", Name: "3.22.1" } },
    ...extra,
    Results: targets.map((target) => {
      const own = vulns.filter((v) => (v.target ?? "ghcr.io/acme/api:1.0 (alpine 3.22.1)") === target);
      return {
        Target: target,
        Class: own[0]?.class ?? "os-pkgs",
        Type: "alpine",
        Vulnerabilities: own.map((v) => ({
          VulnerabilityID: v.id,
          PkgName: v.pkg ?? "libfoo",
          InstalledVersion: "1.0.0-r0",
          ...(v.fixed ? { FixedVersion: v.fixed } : {}),
          ...(v.status ? { Status: v.status } : {}),
          Severity: v.severity,
          Title: `${v.id} title`,
          Description: `${v.id} description`,
          PrimaryURL: `https://avd.aquasec.com/nvd/${v.id.toLowerCase()}`,
          References: [`https://example.com/${v.id}`],
        })),
      };
    }),
  });
}

export function reportOf(vulns: VulnSpec[], extra: Record<string, unknown> = {}): TrivyReport {
  return parseTrivyReport(trivyJson(vulns, extra), "synthetic.json");
}
