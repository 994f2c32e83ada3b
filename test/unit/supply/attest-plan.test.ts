import { describe, expect, it } from "vitest";

import { COSIGN_KEY_PATH } from "../../../core/image/sign.js";
import { planAttestations } from "../../../core/supply/attest-plan.js";
import { PREDICATE_PATHS } from "../../../core/supply/predicate-types.js";
import { planVerify } from "../../../core/supply/verify-plan.js";

const DIGEST = "sha256:" + "a".repeat(64);
const REF = `ghcr.io/acme/api@${DIGEST}`;

describe("the attestation argv publish runs", () => {
  it("attaches the SBOM, the SLSA provenance v1 and the scan, each signed with the mounted key", () => {
    const runs = planAttestations({ reference: `ghcr.io/acme/api:1.2.3@${DIGEST}`, hasPassword: true, tlogUpload: false }, "spdx-json");
    expect(runs.map((r) => [r.kind, r.run.args])).toEqual([
      [
        "sbom",
        [
          "attest",
          "--type",
          "spdxjson",
          "--predicate",
          PREDICATE_PATHS.sbom,
          "--yes",
          "--key",
          COSIGN_KEY_PATH,
          "--use-signing-config=false",
          "--tlog-upload=false",
          REF,
        ],
      ],
      [
        "provenance",
        [
          "attest",
          "--type",
          "slsaprovenance1",
          "--predicate",
          PREDICATE_PATHS.provenance,
          "--yes",
          "--key",
          COSIGN_KEY_PATH,
          "--use-signing-config=false",
          "--tlog-upload=false",
          REF,
        ],
      ],
      [
        "scan",
        [
          "attest",
          "--type",
          "vuln",
          "--predicate",
          PREDICATE_PATHS.scan,
          "--yes",
          "--key",
          COSIGN_KEY_PATH,
          "--use-signing-config=false",
          "--tlog-upload=false",
          REF,
        ],
      ],
    ]);
    expect(runs.every((r) => r.run.secretEnv.join() === "COSIGN_PASSWORD")).toBe(true);
  });

  it("names the CycloneDX type for a CycloneDX SBOM", () => {
    expect(planAttestations({ reference: REF, hasPassword: false }, "cyclonedx-json")[0]!.run.args.slice(0, 3)).toEqual(["attest", "--type", "cyclonedx"]);
  });

  it("signs keyless in GitHub Actions with the job's OIDC token endpoint, as secrets, never a key", () => {
    const [sbom] = planAttestations({ reference: REF, hasPassword: false, keyless: "github-actions" }, "spdx-json");
    expect(sbom!.run.args).toEqual(["attest", "--type", "spdxjson", "--predicate", PREDICATE_PATHS.sbom, "--yes", "--oidc-provider", "github-actions", REF]);
    expect(sbom!.run.secretEnv).toEqual(["ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN"]);
    expect(sbom!.run.env).toEqual({});
  });

  it("signs keyless in GitLab with the id token cosign's envvar provider reads", () => {
    const [, provenance] = planAttestations({ reference: REF, hasPassword: false, keyless: "gitlab" }, "spdx-json");
    expect(provenance!.run.args).toEqual([
      "attest",
      "--type",
      "slsaprovenance1",
      "--predicate",
      PREDICATE_PATHS.provenance,
      "--yes",
      "--oidc-provider",
      "envvar",
      REF,
    ]);
    expect(provenance!.run.secretEnv).toEqual(["SIGSTORE_ID_TOKEN"]);
  });

  it("refuses keyless without the transparency log, which is what vouches for a short-lived certificate", () => {
    expect(() => planAttestations({ reference: REF, hasPassword: false, keyless: "gitlab", tlogUpload: false }, "spdx-json")).toThrow(
      /keyless signature is checked through the transparency log/,
    );
  });

  it("refuses a reference without a digest", () => {
    expect(() => planAttestations({ reference: "ghcr.io/acme/api:1.2.3", hasPassword: false }, "spdx-json")).toThrow(/has no digest/);
  });
});

describe("the verify argv", () => {
  it("checks the signature and each attestation by type against the key, skipping Rekor when told", () => {
    const runs = planVerify({ reference: REF, trusted: { kind: "key", key: "/work/cosign.pub" }, tlog: false, sbomType: "spdxjson" });
    expect(runs.signature.args).toEqual(["verify", "--key", "/work/cosign.pub", "--insecure-ignore-tlog", REF]);
    expect(runs.attestations.provenance.args).toEqual([
      "verify-attestation",
      "--type",
      "slsaprovenance1",
      "--key",
      "/work/cosign.pub",
      "--insecure-ignore-tlog",
      REF,
    ]);
    expect(runs.attestations.scan.args.slice(0, 3)).toEqual(["verify-attestation", "--type", "vuln"]);
  });

  it("trusts a keyless identity and issuer, with the log", () => {
    const runs = planVerify({
      reference: REF,
      trusted: {
        kind: "keyless",
        identity: "https://github.com/acme/api/.github/workflows/release.yml@refs/heads/main",
        issuer: "https://token.actions.githubusercontent.com",
      },
      tlog: true,
      sbomType: "spdxjson",
    });
    expect(runs.signature.args).toEqual([
      "verify",
      "--certificate-identity",
      "https://github.com/acme/api/.github/workflows/release.yml@refs/heads/main",
      "--certificate-oidc-issuer",
      "https://token.actions.githubusercontent.com",
      REF,
    ]);
  });

  it("takes a KMS URI as the key as it is", () => {
    expect(
      planVerify({ reference: REF, trusted: { kind: "key", key: "gcpkms://projects/p/locations/l/keyRings/r/cryptoKeys/k" }, tlog: true, sbomType: "spdxjson" })
        .signature.args[2],
    ).toBe("gcpkms://projects/p/locations/l/keyRings/r/cryptoKeys/k");
  });

  it("refuses a keyless trust with both identity forms", () => {
    expect(() =>
      planVerify({ reference: REF, trusted: { kind: "keyless", identity: "a", identityRegexp: "b", issuer: "c" }, tlog: true, sbomType: "spdxjson" }),
    ).toThrow(/exactly one/);
  });
});
