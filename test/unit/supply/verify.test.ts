// The judge over cosign's output. The envelopes here are written by the test in the shape cosign
// prints (one DSSE envelope per line); test/host/attest.test.ts runs the real cosign.
import { describe, expect, it } from "vitest";

import {
  judgeVerification,
  statementsOf,
  attestedCommits,
  type CosignOutcome,
  type VerifyEvidence,
  type VerifyExpectations,
} from "../../../core/supply/verify.js";
import { PREDICATE_TYPES } from "../../../core/supply/predicate-types.js";
import { DEFAULT_BUILDER_ID } from "../../../core/supply/provenance.js";

const DIGEST = "sha256:" + "c".repeat(64);
const COMMIT = "0123456789abcdef0123456789abcdef01234567";
const NOW = new Date("2026-12-07T12:00:00Z");

function envelope(predicateType: string, predicate: unknown, digest = DIGEST): string {
  const statement = {
    _type: "https://in-toto.io/Statement/v0.1",
    subject: [{ name: "ghcr.io/acme/api", digest: { sha256: digest.slice(7) } }],
    predicateType,
    predicate,
  };
  return JSON.stringify({
    payloadType: "application/vnd.in-toto+json",
    payload: Buffer.from(JSON.stringify(statement)).toString("base64"),
    signatures: [{ keyid: "", sig: "x" }],
  });
}
const ok = (stdout: string): CosignOutcome => ({ status: 0, stdout: stdout + "\n", stderr: "" });
const provenance = (over: { repository?: string; builder?: string; path?: string; commit?: string } = {}) => ({
  buildDefinition: {
    buildType: "urn:gantry:build-type:go-service:v1",
    externalParameters: {
      source: { repository: over.repository ?? "https://github.com/acme/api", commit: over.commit ?? COMMIT },
      pipeline: { path: over.path ?? "pipelines/gantry.yaml", sha256: "d".repeat(64) },
      parameters: { name: "api" },
    },
    resolvedDependencies: [{ name: "source", uri: "git+https://github.com/acme/api", digest: { gitCommit: COMMIT } }],
  },
  runDetails: { builder: { id: over.builder ?? DEFAULT_BUILDER_ID } },
});
const scan = (status: string, finished = "2026-12-07T10:00:00Z") => ({
  scanner: {
    uri: "pkg:github/aquasecurity/trivy",
    version: "0.70.0",
    result: {
      gate: {
        status,
        passed: status === "passed",
        summary: `gate ${status}`,
        failing: status === "failed" ? 1 : 0,
        failingIds: status === "failed" ? ["CVE-2026-0001"] : [],
      },
      counts: {},
    },
  },
  metadata: { scanStartedOn: finished, scanFinishedOn: finished },
});

function evidence(over: Partial<{ signature: CosignOutcome; sbom: CosignOutcome; provenance: CosignOutcome; scan: CosignOutcome }> = {}): VerifyEvidence {
  return {
    signature: over.signature ?? ok(""),
    attestations: {
      sbom: over.sbom ?? ok(envelope(PREDICATE_TYPES.spdxjson, { spdxVersion: "SPDX-2.3", packages: [{}, {}] })),
      provenance: over.provenance ?? ok(envelope(PREDICATE_TYPES.slsaprovenance1, provenance())),
      scan: over.scan ?? ok(envelope(PREDICATE_TYPES.vuln, scan("passed"))),
    },
  };
}
const expected: VerifyExpectations = {
  reference: `ghcr.io/acme/api@${DIGEST}`,
  trusted: { kind: "key", key: "cosign.pub" },
  repository: "https://github.com/acme/api",
  builderIds: [DEFAULT_BUILDER_ID],
  pipelinePath: "pipelines/gantry.yaml",
  maxScanAgeMs: 7 * 24 * 3600 * 1000,
  now: NOW,
};
const judge = (e: VerifyEvidence, x: Partial<VerifyExpectations> = {}, ancestry = "ancestor" as const) =>
  judgeVerification(e, { ...expected, ...x }, () => ancestry);

describe("judging a verification", () => {
  it("verifies a signed image whose attestations match this repository, pipeline, history and a fresh passed scan", () => {
    const v = judge(evidence());
    expect(v.reasons).toEqual([]);
    expect(v.verified).toBe(true);
    expect(v.sbom).toEqual({ predicateType: PREDICATE_TYPES.spdxjson, packages: 2 });
    expect(v.provenance).toMatchObject({ repository: "https://github.com/acme/api", commit: COMMIT, builderId: DEFAULT_BUILDER_ID });
    expect(v.scan).toMatchObject({ status: "passed", ageSeconds: 7200 });
    expect(v.image).toEqual({ repository: "ghcr.io/acme/api", digest: DIGEST });
  });

  it("names one repository however it is spelt", () => {
    expect(judge(evidence(), { repository: "git+https://github.com/ACME/api.git/" }).verified).toBe(true);
  });

  it("fails with the reason for each thing wrong", () => {
    const bad = evidence({
      provenance: ok(
        envelope(PREDICATE_TYPES.slsaprovenance1, provenance({ repository: "https://github.com/evil/api", builder: "urn:someone", path: "other.yaml" })),
      ),
      scan: ok(envelope(PREDICATE_TYPES.vuln, scan("failed", "2026-11-01T00:00:00Z"))),
    });
    const v = judge(bad, {}, "not-ancestor" as never);
    expect(v.verified).toBe(false);
    expect(v.reasons).toEqual([
      "provenance: built from https://github.com/evil/api, not from this repository (https://github.com/acme/api)",
      `provenance: built by urn:someone, not by a trusted builder (${DEFAULT_BUILDER_ID})`,
      "provenance: built by the pipeline other.yaml, not by pipelines/gantry.yaml",
      `provenance: commit ${COMMIT} is not in this commit's history (built from another branch or a rewritten history)`,
      'scan: the gate\'s verdict was "failed" (gate failed; failing: CVE-2026-0001)',
      "scan: ran 2026-11-01T00:00:00Z, 876h ago, older than the 168h allowed; publish (or scan and attest) again",
    ]);
  });

  it("ignores statements about another digest", () => {
    const v = judge(evidence({ scan: ok(envelope(PREDICATE_TYPES.vuln, scan("passed"), "sha256:" + "e".repeat(64))) }));
    expect(v.reasons).toEqual([`scan attestation: none names the image's digest ${DIGEST} as its subject`]);
  });

  it("tells an unsigned image from one signed by another key", () => {
    const none = { status: 1, stdout: "", stderr: "Error: no signatures found\nmain.go:74: error during command execution: no signatures found\n" };
    expect(judge(evidence({ signature: none })).reasons[0]).toMatch(/^signature: none found on the image/);
    const other = {
      status: 1,
      stdout: "",
      stderr:
        "Error: no matching attestations: failed to verify signature: could not verify envelope: accepted signatures do not match threshold, Found: 0, Expected 1\n",
    };
    expect(judge(evidence({ signature: other })).reasons[0]).toMatch(/^signature: not signed by the key cosign\.pub/);
  });

  it("reads the provenance commits to ask git about", () => {
    expect(attestedCommits(evidence(), expected.reference)).toEqual([COMMIT]);
    expect(statementsOf("not json\n{}\n")).toEqual([]);
  });
});
