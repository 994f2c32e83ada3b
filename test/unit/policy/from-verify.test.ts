import { describe, expect, it } from "vitest";

import { NOTHING_VERIFIED } from "../../../core/policy/attestations.js";
import { attestationsFromVerify } from "../../../core/policy/from-verify.js";
import type { VerifiedAttestations } from "../../../core/supply/verified-attestations.js";

const verified: VerifiedAttestations = {
  verified: true,
  image: { repository: "ghcr.io/acme/api", digest: `sha256:${"a".repeat(64)}` },
  trusted: {
    kind: "keyless",
    identity: "https://github.com/acme/ci/.github/workflows/gantry-publish.yml@refs/heads/main",
    issuer: "https://token.actions.githubusercontent.com",
  },
  verifiedAt: "2026-12-07T10:00:00Z",
  signature: true,
  provenance: {
    predicateType: "https://slsa.dev/provenance/v1",
    builderId: "https://github.com/acme/ci/.github/workflows/gantry-publish.yml@refs/heads/main",
    buildType: "urn:gantry:build-type:go-service:v1",
    repository: "https://github.com/acme/api",
    commit: "0123456789abcdef0123456789abcdef01234567",
    pipeline: { path: "pipelines/gantry.yaml", sha256: "b".repeat(64) },
    parameters: {},
    dependencies: [],
  },
  scan: {
    predicateType: "https://cosign.sigstore.dev/attestation/vuln/v1",
    status: "passed",
    passed: true,
    summary: "0 gated findings",
    scannedAt: "2026-12-07T09:00:00Z",
    finishedAt: "2026-12-07T09:01:00Z",
    ageSeconds: 3540,
    counts: { LOW: 2 },
    failing: 0,
    failingIds: [],
    scanner: { uri: "pkg:github/aquasecurity/trivy", version: "0.74.0" },
  },
  checks: [],
  reasons: [],
};

describe("what verify proved, as the policies read it", () => {
  it("names the keyless signer, the provenance's origin and the scan's verdict", () => {
    expect(attestationsFromVerify(verified)).toEqual({
      signatures: [
        { issuer: "https://token.actions.githubusercontent.com", subject: "https://github.com/acme/ci/.github/workflows/gantry-publish.yml@refs/heads/main" },
      ],
      provenance: {
        builderId: "https://github.com/acme/ci/.github/workflows/gantry-publish.yml@refs/heads/main",
        repository: "https://github.com/acme/api",
        commit: "0123456789abcdef0123456789abcdef01234567",
        config: "pipelines/gantry.yaml",
      },
      scan: { verdict: "passed", scannedAt: "2026-12-07T09:00:00Z", counts: { LOW: 2 }, failing: 0 },
    });
  });

  it("names the key a key-signed image verified with", () => {
    expect(attestationsFromVerify({ ...verified, trusted: { kind: "key", key: "cosign.pub" } }).signatures).toEqual([{ key: "cosign.pub" }]);
  });

  it("tells the policies nothing of a failed verification", () => {
    expect(attestationsFromVerify({ ...verified, verified: false, reasons: ["signature: none found"] })).toEqual(NOTHING_VERIFIED);
  });
});
