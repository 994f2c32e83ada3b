import { describe, expect, it } from "vitest";
import { COSIGN_IMAGE, COSIGN_KEY_PATH, planAttest, planSign } from "../../../core/image/sign.js";
import { expectArgumentError } from "./argument-error.js";

const DIGEST = "sha256:" + "e".repeat(64);
const REF = `ghcr.io/acme/hello-api@${DIGEST}`;

describe("planSign", () => {
  it("signs the digest with the mounted key, the password from a secret, non-interactively", () => {
    expect(planSign({ reference: REF, hasPassword: true })).toEqual({
      tool: "cosign",
      image: COSIGN_IMAGE,
      args: ["sign", "--yes", "--key", COSIGN_KEY_PATH, REF],
      env: {},
      secretEnv: ["COSIGN_PASSWORD"],
    });
  });

  it("tells cosign a key has no password instead of letting it prompt", () => {
    const run = planSign({ reference: REF, hasPassword: false });
    expect(run.env).toEqual({ COSIGN_PASSWORD: "" });
    expect(run.secretEnv).toEqual([]);
  });

  it("can keep the signature out of the public transparency log", () => {
    expect(planSign({ reference: REF, hasPassword: true, tlogUpload: false }).args).toEqual([
      "sign",
      "--yes",
      "--key",
      COSIGN_KEY_PATH,
      "--use-signing-config=false",
      "--tlog-upload=false",
      REF,
    ]);
  });

  it("signs name@digest even when a tag is given alongside, and qualifies Docker Hub names", () => {
    expect(planSign({ reference: `acme/app:1.2.3@${DIGEST}`, hasPassword: true }).args.at(-1)).toBe(`docker.io/acme/app@${DIGEST}`);
  });

  it("runs a mirrored cosign image as written", () => {
    expect(planSign({ reference: REF, hasPassword: true, image: "mirror.example/sigstore/cosign:v3.1.3" }).image).toBe("mirror.example/sigstore/cosign:v3.1.3");
  });

  it("accepts a key file path or a KMS URI", () => {
    expect(planSign({ reference: REF, hasPassword: false, keyPath: "/keys/release.key" }).args).toContain("/keys/release.key");
    expect(planSign({ reference: REF, hasPassword: false, keyPath: "awskms:///alias/release" }).args).toContain("awskms:///alias/release");
  });

  it.each<[string, Parameters<typeof planSign>[0], string, RegExp]>([
    ["a tag without digest", { reference: "ghcr.io/acme/hello-api:1.2.3", hasPassword: true }, "reference", /has no digest; sign the pushed digest/],
    ["an invalid reference", { reference: "ghcr.io/acme/Hello", hasPassword: true }, "reference", /lowercase/],
    ["a relative key path", { reference: REF, hasPassword: true, keyPath: "cosign.key" }, "keyPath", /absolute path/],
    ["an invalid cosign image", { reference: REF, hasPassword: true, image: "cosign image" }, "cosignImage", /whitespace/],
  ])("rejects %s", (_, options, argument, problem) => {
    expectArgumentError(() => planSign(options), argument, problem);
  });
});

describe("planAttest", () => {
  it.each([
    ["spdx-json", "spdxjson"],
    ["cyclonedx-json", "cyclonedx"],
  ])("attaches a %s SBOM as --type %s", (format, type) => {
    expect(planAttest({ reference: REF, hasPassword: true, format, predicate: "/work/sbom.json" }).args).toEqual([
      "attest",
      "--type",
      type,
      "--predicate",
      "/work/sbom.json",
      "--yes",
      "--key",
      COSIGN_KEY_PATH,
      REF,
    ]);
  });

  it("rejects an unknown format, a bad predicate path and a reference without digest", () => {
    expectArgumentError(() => planAttest({ reference: REF, hasPassword: true, format: "spdx", predicate: "/work/sbom.json" }), "sbomFormat", /expected one of/);
    expectArgumentError(() => planAttest({ reference: REF, hasPassword: true, format: "spdx-json", predicate: "sbom.json" }), "predicate", /absolute path/);
    expectArgumentError(
      () => planAttest({ reference: "ghcr.io/acme/app", hasPassword: true, format: "spdx-json", predicate: "/work/sbom.json" }),
      "reference",
      /no digest/,
    );
  });
});
