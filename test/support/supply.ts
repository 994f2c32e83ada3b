// Scan states for the attestation tests: Trivy reports in its JSON (SchemaVersion 2), one clean and
// one with a fixed CRITICAL finding that fails the default gate.
import type { ScanState } from "../../core/scan/scan-state.js";

export const CLEAN_TRIVY_REPORT = JSON.stringify({ SchemaVersion: 2, ArtifactName: "ghcr.io/acme/api", ArtifactType: "container_image", Results: [] });
export const VULNERABLE_TRIVY_REPORT = JSON.stringify({
  SchemaVersion: 2,
  ArtifactName: "ghcr.io/acme/api",
  ArtifactType: "container_image",
  Results: [
    {
      Target: "app/api",
      Class: "lang-pkgs",
      Type: "gobinary",
      Vulnerabilities: [
        { VulnerabilityID: "CVE-2026-0001", PkgName: "stdlib", InstalledVersion: "1.26.0", FixedVersion: "1.26.1", Status: "fixed", Severity: "CRITICAL" },
      ],
    },
  ],
});

/** A scan of `trivyJson` judged by the default gate (HIGH, CRITICAL). */
export function scanState(trivyJson: string, scannedAt = "2026-12-07T10:00:00.250Z"): ScanState {
  return {
    trivyJson,
    severities: ["HIGH", "CRITICAL"],
    ignoreUnfixed: false,
    maxCounts: [],
    allowListName: "",
    allowListText: "",
    scannedAt,
    finishedAt: "2026-12-07T10:00:30.900Z",
    imageName: "ghcr.io/acme/api",
  };
}
