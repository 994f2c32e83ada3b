import { describe, expect, it } from "vitest";

import { loadPipeline } from "../../../core/pipeline/load.js";
import { provenanceInputFor } from "../../../core/pipeline/attestations.js";
import { releaseFor } from "../../../core/pipeline/release.js";
import { judgeScan } from "../../../core/scan/scan-state.js";
import { buildProvenance, DEFAULT_BUILDER_ID, GANTRY_BUILD_TYPE, provenanceJson } from "../../../core/supply/provenance.js";
import { buildScanPredicate, scanPredicateJson } from "../../../core/supply/scan-predicate.js";
import { CLEAN_TRIVY_REPORT as CLEAN, scanState, VULNERABLE_TRIVY_REPORT as VULNERABLE } from "../../support/supply.js";

const COMMIT = "0123456789abcdef0123456789abcdef01234567";
const PIPELINE = `name: api
image: { sourceUrl: https://github.com/acme/api }
publish: { repository: ghcr.io/acme/api, cosignKey: env:COSIGN_KEY, attest: true, tlogUpload: false, publicKey: cosign.pub }
`;
const GO = { name: "go-toolchain", ref: "golang:1.26.3", digest: "sha256:" + "1".repeat(64) };
const BASE = { name: "base linux/amd64", ref: "gcr.io/distroless/static-debian12:nonroot", digest: "sha256:" + "2".repeat(64) };

function provenance(images = [GO, BASE]) {
  const pipeline = loadPipeline(PIPELINE, "pipelines/gantry.yaml");
  const release = releaseFor(
    { ref: "refs/tags/v1.2.3" },
    { commit: COMMIT, commitTime: 1_700_000_000, headTags: ["v1.2.3"], tags: ["v1.2.3"], shallow: false },
  );
  return provenanceInputFor(pipeline, { path: "pipelines/gantry.yaml", text: PIPELINE }, release, {
    platforms: ["linux/amd64"],
    tags: ["1.2.3", "latest"],
    images,
  });
}

describe("the SLSA provenance v1 predicate", () => {
  it("names the builder, the repository at the commit, the pipeline file by digest and every image by digest", () => {
    const p = buildProvenance(provenance());
    expect(p.runDetails.builder.id).toBe(DEFAULT_BUILDER_ID);
    expect(p.buildDefinition.buildType).toBe(GANTRY_BUILD_TYPE);
    expect(p.buildDefinition.externalParameters.source).toEqual({ repository: "https://github.com/acme/api", ref: "refs/tags/v1.2.3", commit: COMMIT });
    expect(p.buildDefinition.externalParameters.pipeline.path).toBe("pipelines/gantry.yaml");
    expect(p.buildDefinition.externalParameters.pipeline.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(p.buildDefinition.externalParameters.parameters).toMatchObject({
      name: "api",
      platforms: ["linux/amd64"],
      tags: ["1.2.3", "latest"],
      version: "1.2.3",
      sourceDateEpoch: 1_700_000_000,
    });
    expect(p.buildDefinition.resolvedDependencies).toEqual([
      { name: "source", uri: "git+https://github.com/acme/api@refs/tags/v1.2.3", digest: { gitCommit: COMMIT } },
      { name: "base linux/amd64", uri: "docker://gcr.io/distroless/static-debian12:nonroot", digest: { sha256: "2".repeat(64) } },
      { name: "go-toolchain", uri: "docker://golang:1.26.3", digest: { sha256: "1".repeat(64) } },
    ]);
  });

  it("is the same bytes for the same inputs, whatever order the images came in", () => {
    expect(provenanceJson(provenance([BASE, GO]))).toBe(provenanceJson(provenance([GO, BASE])));
    expect(provenanceJson(provenance())).not.toMatch(/\d{4}-\d\d-\d\dT/); // no clock
    expect(JSON.parse(provenanceJson(provenance()))).toEqual(buildProvenance(provenance()));
  });

  it("changes when the pipeline file changes", () => {
    const other = { ...provenance(), pipeline: { path: "pipelines/gantry.yaml", sha256: "f".repeat(64) } };
    expect(provenanceJson(other)).not.toBe(provenanceJson(provenance()));
  });

  it("refuses to claim a build it cannot place: no repository, no commit, a tag instead of a digest", () => {
    expect(() => buildProvenance({ ...provenance(), repository: "" })).toThrow(/image\.sourceUrl/);
    expect(() => buildProvenance({ ...provenance(), commit: "" })).toThrow(/commit/);
    expect(() => buildProvenance({ ...provenance(), images: [{ ...GO, digest: "latest" }] })).toThrow(/go-toolchain .*not a sha256 digest/);
  });
});

describe("the scan predicate", () => {
  it("records the gate's verdict, the counts and the scan's times (to the second, as cosign keeps them)", () => {
    const state = scanState(VULNERABLE);
    const p = buildScanPredicate({ state, ...judgeScan(state), builderId: DEFAULT_BUILDER_ID });
    expect(p.scanner.result.gate).toMatchObject({
      status: "failed",
      passed: false,
      failing: 1,
      failingIds: ["CVE-2026-0001"],
      gatedSeverities: ["HIGH", "CRITICAL"],
    });
    expect(p.scanner.result.counts.CRITICAL).toBe(1);
    expect(p.metadata).toEqual({ scanStartedOn: "2026-12-07T10:00:00Z", scanFinishedOn: "2026-12-07T10:00:30Z" });
    expect(p.invocation["builder.id"]).toBe(DEFAULT_BUILDER_ID);
  });

  it("passes a clean scan, and is reproducible", () => {
    const state = scanState(CLEAN);
    const json = scanPredicateJson({ state, ...judgeScan(state), builderId: DEFAULT_BUILDER_ID });
    expect(JSON.parse(json).scanner.result.gate.status).toBe("passed");
    expect(scanPredicateJson({ state, ...judgeScan(state), builderId: DEFAULT_BUILDER_ID })).toBe(json);
  });

  it("refuses a scan without a time", () => {
    const state = scanState(CLEAN, "yesterday");
    expect(() => buildScanPredicate({ state, ...judgeScan({ ...state, scannedAt: "2026-12-07T10:00:00Z" }), builderId: "b" })).toThrow(
      /scannedAt "yesterday" is not a time/,
    );
  });
});
