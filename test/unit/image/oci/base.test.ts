import { describe, expect, it } from "vitest";

import { GantryError } from "../../../../core/errors.js";
import { planImage } from "../../../../core/image/plan.js";
import { baseConfigDigest, pulledManifestDigest, readBaseImage } from "../../../../core/image/oci/base.js";
import { sha256Digest } from "../../../../core/image/oci/blob.js";
import { planOciImage } from "../../../../core/image/oci/image-layout.js";
import { DOCKER_CONFIG, DOCKER_LAYER_GZIP, DOCKER_MANIFEST, OCI_LAYER_GZIP } from "../../../../core/image/oci/media-types.js";
import { LAYERS, OPTIONS } from "./inputs.js";

const REF = "registry.example.com/base/static:1";
const baseConfig = JSON.stringify({
  architecture: "arm64",
  variant: "v8",
  os: "linux",
  created: "2020-01-01T00:00:00Z",
  config: {
    Env: ["PATH=/usr/bin:/bin", "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt", "LOG_FORMAT=text"],
    Cmd: ["/bin/sh"],
    Labels: { "com.example.base": "yes" },
    User: "0",
  },
  rootfs: { type: "layers", diff_ids: [`sha256:${"1".repeat(64)}`, `sha256:${"2".repeat(64)}`] },
  history: [
    { created: "2020-01-01T00:00:00Z", created_by: "base layer 1" },
    { created: "2020-01-01T00:00:00Z", created_by: "base layer 2" },
  ],
});
// Docker v2 schema 2, whitespace and key order as a registry may serve it.
const baseManifest = JSON.stringify(
  {
    schemaVersion: 2,
    mediaType: DOCKER_MANIFEST,
    config: { mediaType: DOCKER_CONFIG, size: Buffer.byteLength(baseConfig), digest: sha256Digest(baseConfig) },
    layers: [
      { mediaType: DOCKER_LAYER_GZIP, size: 100, digest: `sha256:${"3".repeat(64)}` },
      { mediaType: DOCKER_LAYER_GZIP, size: 200, digest: `sha256:${"4".repeat(64)}` },
    ],
  },
  null,
  3,
);
const manifestDigest = sha256Digest(baseManifest);
const read = (over: Partial<Parameters<typeof readBaseImage>[0]> = {}) =>
  readBaseImage({ ref: REF, platform: "linux/arm64", manifestText: baseManifest, manifestDigest, configText: baseConfig, ...over });

describe("reading a pulled base", () => {
  it("finds the one manifest of a pulled layout and the config it names", () => {
    const indexJson = JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: DOCKER_MANIFEST, digest: manifestDigest, size: 1 }] });
    expect(pulledManifestDigest(indexJson, REF)).toBe(manifestDigest);
    expect(baseConfigDigest(baseManifest, manifestDigest, REF)).toBe(sha256Digest(baseConfig));
    expect(() => pulledManifestDigest(JSON.stringify({ manifests: [] }), REF)).toThrow(/holds 0 images/);
  });

  it("keeps a Docker base's layers, renamed to the OCI media type with the same digests", () => {
    const base = read();
    expect(base.layers).toEqual([
      { mediaType: OCI_LAYER_GZIP, size: 100, digest: `sha256:${"3".repeat(64)}` },
      { mediaType: OCI_LAYER_GZIP, size: 200, digest: `sha256:${"4".repeat(64)}` },
    ]);
    expect(base.diffIds).toHaveLength(2);
  });

  it("refuses bytes that do not match their digest, another platform, and layers it cannot redistribute", () => {
    expect(() => read({ manifestText: baseManifest + " " })).toThrow(GantryError);
    expect(() => read({ configText: baseConfig.replace("arm64", "arm64 ") })).toThrow(/does not match its digest/);
    expect(() => read({ platform: "linux/amd64" })).toThrow(/pulled for linux\/amd64 is linux\/arm64\/v8/);
    const foreign = baseManifest.replace(DOCKER_LAYER_GZIP, "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip");
    expect(() => read({ manifestText: foreign, manifestDigest: sha256Digest(foreign) })).toThrow(/cannot redistribute/);
    const list = JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.docker.distribution.manifest.list.v2+json", manifests: [] });
    expect(() => read({ manifestText: list, manifestDigest: sha256Digest(list) })).toThrow(/not an image manifest/);
  });
});

describe("Gantry's image on a base", () => {
  const plan = planImage({ ...OPTIONS, base: REF, builtPlatforms: ["linux/arm64"] });
  const image = planOciImage(plan, [{ platform: "linux/arm64", layer: LAYERS["linux/arm64"]!, base: read() }]);
  const config = JSON.parse(image.platforms[0]!.config.text);

  it("lists the base's layers and diff_ids, then Gantry's", () => {
    expect(image.platforms[0]!.layers.map((l) => l.digest)).toEqual([`sha256:${"3".repeat(64)}`, `sha256:${"4".repeat(64)}`, LAYERS["linux/arm64"]!.digest]);
    expect(config.rootfs.diff_ids).toEqual([`sha256:${"1".repeat(64)}`, `sha256:${"2".repeat(64)}`, LAYERS["linux/arm64"]!.diffId]);
    expect(config.history.map((h: { created_by: string }) => h.created_by)).toEqual([
      "base layer 1",
      "base layer 2",
      `gantry: /app/hello-api and the files ${REF} lacks`,
    ]);
    expect(image.layerBlobs.map((b) => b.from)).toEqual(["base", "base", "gantry"]);
  });

  it("applies Gantry's settings over the base's config and keeps the rest", () => {
    expect(config.created).toBe("2023-11-14T22:13:20Z");
    expect(config.config.User).toBe("65532:65532");
    expect(config.config.Env).toEqual(["PATH=/usr/bin:/bin", "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt", "LOG_FORMAT=json", "GOMAXPROCS=2"]);
    expect(config.config.Cmd).toBeUndefined();
    expect(config.config.Labels["com.example.base"]).toBe("yes");
    expect(config.config.Labels["org.opencontainers.image.base.name"]).toBe(REF);
    expect([config.os, config.architecture, config.variant]).toEqual(["linux", "arm64", undefined]);
  });

  it("needs the base for every platform, and none for scratch", () => {
    expect(() => planOciImage(plan, [{ platform: "linux/arm64", layer: LAYERS["linux/arm64"]! }])).toThrow(/was not pulled/);
  });
});
