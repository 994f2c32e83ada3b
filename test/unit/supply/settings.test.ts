// publish.attest, publish.keyless and environments.<name>.verify: refused at load when they cannot
// work, located by file:line:column and field path; resolved into what a deploy verifies against.
import { describe, expect, it } from "vitest";

import { loadPipeline } from "../../../core/pipeline/load.js";
import { verificationFor } from "../../../core/pipeline/verification.js";
import { DEFAULT_BUILDER_ID } from "../../../core/supply/provenance.js";
import { FILE, problems } from "../pipeline/problems.js";

const SIGNED =
  "name: api\nimage: {sourceUrl: 'https://github.com/acme/api'}\npublish: {repository: ghcr.io/acme/api, cosignKey: 'env:COSIGN_KEY', attest: true, publicKey: cosign.pub}\n";
const ENV = "environments:\n  production:\n    namespace: shop\n";

describe("attestation settings refused at load", () => {
  it("attest without a signer", () =>
    expect(problems("name: api\nimage: {sourceUrl: 'https://x.example/a'}\npublish: {attest: true}\n")).toMatch(
      /svc\.yaml:3:\d+: publish\.attest: attestations are signed: set cosignKey/,
    ));
  it("attest without the repository the provenance names", () =>
    expect(problems("name: api\npublish: {cosignKey: 'env:K', attest: true}\n")).toMatch(
      /image\.sourceUrl: publish\.attest records the repository in the provenance/,
    ));
  it("a key and keyless at once", () =>
    expect(problems(`${SIGNED.replace("attest: true", "attest: true, keyless: gitlab")}`)).toMatch(
      /publish\.keyless: sign with cosignKey or keyless, not both/,
    ));
  it("keyless without the transparency log", () =>
    expect(problems("name: api\nimage: {sourceUrl: 'https://x.example/a'}\npublish: {keyless: github-actions, tlogUpload: false}\n")).toMatch(
      /publish\.tlogUpload: a keyless signature/,
    ));
  it("an unknown keyless provider", () => expect(problems("name: api\npublish: {keyless: jenkins}\n")).toMatch(/publish\.keyless/));
  it("a verifying environment that trusts nobody", () =>
    expect(problems(`${SIGNED.replace(", publicKey: cosign.pub", "")}${ENV}`)).toMatch(
      /environments\.production\.verify: deploys here verify the image, but nothing says whom to trust/,
    ));
  it("a keyless identity without its issuer", () =>
    expect(problems(`${SIGNED}${ENV}    verify: {identity: 'https://github.com/acme/api/.github/workflows/r.yml@refs/heads/main'}\n`)).toMatch(
      /verify\.issuer: a keyless identity needs its OIDC issuer/,
    ));
  it("a scan age that is no duration", () =>
    expect(problems(`${SIGNED}${ENV}    verify: {maxScanAge: 7d}\n`)).toMatch(/verify\.maxScanAge: expected a positive Go duration/));
  it("loads a pipeline that says verify: false without any signing", () =>
    expect(() => loadPipeline(`name: api\n${ENV}    verify: false\n`, FILE)).not.toThrow());
});

describe("what a deploy verifies against", () => {
  it("verifies by default when publish attests, with publish's public key, builder and the 7-day scan age", () => {
    const v = verificationFor(loadPipeline(SIGNED + ENV, FILE), FILE, "production");
    expect(v).toEqual({
      verify: true,
      settings: {
        trusted: { kind: "key", key: "cosign.pub" },
        keyFile: "cosign.pub",
        tlog: true,
        builderIds: [DEFAULT_BUILDER_ID],
        maxScanAgeMs: 168 * 3600 * 1000,
        repository: "https://github.com/acme/api",
        pipelinePath: FILE,
        sbomType: "spdxjson",
      },
    });
  });

  it("skips when the environment says verify: false, and says why", () => {
    expect(verificationFor(loadPipeline(`${SIGNED}${ENV}    verify: false\n`, FILE), FILE, "production")).toEqual({
      verify: false,
      why: "environments.production.verify is false",
    });
  });

  it("skips when nothing attests and the environment does not ask", () => {
    expect(verificationFor(loadPipeline(`name: api\n${ENV}`, FILE), FILE, "production")).toMatchObject({
      verify: false,
      why: expect.stringContaining("publish.attest is off"),
    });
  });

  it("trusts a keyless identity and its own scan age", () => {
    const text = `${SIGNED}${ENV}    verify: {identity: 'https://github.com/acme/api/.github/workflows/r.yml@refs/heads/main', issuer: 'https://token.actions.githubusercontent.com', maxScanAge: 24h}\n`;
    const v = verificationFor(loadPipeline(text, FILE), FILE, "production");
    expect(v.verify && v.settings).toMatchObject({
      trusted: {
        kind: "keyless",
        identity: "https://github.com/acme/api/.github/workflows/r.yml@refs/heads/main",
        issuer: "https://token.actions.githubusercontent.com",
      },
      keyFile: undefined,
      maxScanAgeMs: 24 * 3600 * 1000,
    });
  });

  it("takes a KMS key as it is, with nothing to mount", () => {
    const v = verificationFor(loadPipeline(`${SIGNED}${ENV}    verify: {key: 'gcpkms://projects/p/keys/k'}\n`, FILE), FILE, "production");
    expect(v.verify && v.settings.trusted).toEqual({ kind: "key", key: "gcpkms://projects/p/keys/k" });
    expect(v.verify && v.settings.keyFile).toBeUndefined();
  });
});
