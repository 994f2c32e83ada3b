import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Real Trivy JSON reports in test/fixtures/trivy (provenance in test/fixtures/SOURCES.md). */
export const TRIVY_FIXTURE_DIR = new URL("../../fixtures/trivy/", import.meta.url);

export interface TrivyFixture {
  name: string;
  text: string;
  /** The raw JSON, for computing expectations independently of the parser. */
  raw: RawReport;
}

interface RawVulnerability {
  VulnerabilityID: string;
  PkgName: string;
  Severity?: string;
  FixedVersion?: string;
  Status?: string;
}
interface RawReport {
  SchemaVersion: number;
  ArtifactName?: string;
  Results?: { Target: string; Vulnerabilities?: RawVulnerability[] }[];
}

export function trivyFixtures(): TrivyFixture[] {
  const names = readdirSync(fileURLToPath(TRIVY_FIXTURE_DIR))
    .filter((n) => /\.json(\.golden)?$/.test(n))
    .sort();
  if (names.length === 0) throw new Error(`no Trivy fixtures in ${fileURLToPath(TRIVY_FIXTURE_DIR)}`);
  return names.map((name) => {
    const text = readFileSync(new URL(name, TRIVY_FIXTURE_DIR), "utf8");
    return { name, text, raw: JSON.parse(text) as RawReport };
  });
}

export function rawVulnerabilities(raw: RawReport): (RawVulnerability & { target: string })[] {
  return (raw.Results ?? []).flatMap((r) => (r.Vulnerabilities ?? []).map((v) => ({ ...v, target: r.Target })));
}

export const NOW = new Date("2026-06-15T12:00:00Z");
