import { describe, expect, it } from "vitest";

import { planBuild } from "../../../core/go/build-plan.js";
import { planServiceImage, type ImageSettings } from "../../../core/image/image-request.js";
import { dockerConfigJson, publishedDigest } from "../../../core/image/publish.js";
import { renderServiceDockerfile } from "../../../core/image/service-dockerfile.js";
import { validateSigning } from "../../../core/image/sign.js";
import { loadPipeline } from "../../../core/pipeline/load.js";
import { resolveRelease } from "../../../core/release.js";

const pipeline = "image:\n  sourceUrl: https://github.com/acme/hello-api\n  labels: {org.opencontainers.image.licenses: Apache-2.0}\n";
const settings: ImageSettings = { ...loadPipeline(pipeline, "pipelines/gantry.yaml").image, name: "hello-api" };
const release = resolveRelease({ ref: "refs/tags/v1.2.3", commit: "0123456789abcdef0123456789abcdef01234567", sourceDateEpoch: 1_763_769_600 });

describe("planServiceImage", () => {
  it("labels the image with the release that is stamped into the binary", () => {
    const plan = planServiceImage(settings, release, ["linux/amd64", "linux/arm64"], []);
    expect(plan.labels).toMatchObject({
      "org.opencontainers.image.version": "1.2.3",
      "org.opencontainers.image.revision": "0123456789abcdef0123456789abcdef01234567",
      "org.opencontainers.image.created": "2025-11-22T00:00:00Z",
      "org.opencontainers.image.source": "https://github.com/acme/hello-api",
      "org.opencontainers.image.licenses": "Apache-2.0",
      "org.opencontainers.image.title": "hello-api",
    });
    expect(plan.platforms.map((p) => p.binaryFile)).toEqual(["hello-api_linux_amd64", "hello-api_linux_arm64"]);
    expect(plan.user).toBe("65532:65532");
  });

  it("refuses a platform the build did not produce", () => {
    expect(() => planServiceImage(settings, release, ["linux/amd64"], ["linux/arm64"])).toThrow("--platforms: linux/arm64 was not built");
  });
});

describe("renderServiceDockerfile", () => {
  it("builds the same main package with the same ldflags as the Dagger build", () => {
    const build = planBuild({
      module: { module: "github.com/acme/hello-api", go: "1.26" },
      pkg: "cmd/api",
      platforms: ["linux/amd64", "linux/arm64"],
      nativePlatform: "linux/amd64",
      version: release.version,
      commit: release.commit,
      date: release.date,
    });
    const dockerfile = renderServiceDockerfile(settings, release, build, ["netgo"], "golang:1.26", ["linux/amd64", "linux/arm64"]);
    expect(dockerfile).toContain("FROM --platform=$BUILDPLATFORM golang:1.26");
    expect(dockerfile).toContain(build.ldflags);
    expect(dockerfile).toContain("./cmd/api");
    expect(dockerfile).toContain("-tags netgo");
    expect(dockerfile).toContain('ENTRYPOINT ["/app/api"]');
  });
});

describe("publish helpers", () => {
  const digest = `sha256:${"ab".repeat(32)}`;

  it("returns the one digest every tag was pushed with", () => {
    expect(publishedDigest([`ghcr.io/acme/app:1.2.3@${digest}`, `ghcr.io/acme/app:latest@${digest}`])).toBe(digest);
  });

  it("fails when two tags were pushed with different digests", () => {
    expect(() => publishedDigest([`r:a@${digest}`, `r:b@sha256:${"cd".repeat(32)}`])).toThrow("the tags were pushed with different digests");
  });

  it("writes a Docker config for the registry, with Docker Hub's legacy key", () => {
    expect(JSON.parse(dockerConfigJson("ghcr.io", "bot", "s3cret"))).toEqual({ auths: { "ghcr.io": { auth: Buffer.from("bot:s3cret").toString("base64") } } });
    expect(Object.keys(JSON.parse(dockerConfigJson("docker.io", "u", "p")).auths)).toEqual(["https://index.docker.io/v1/"]);
  });

  it("refuses an SBOM attestation without a signing key", () => {
    expect(() => validateSigning({ attachSbom: true, hasKey: false })).toThrow("--attach-sbom: an SBOM is attached as a signed attestation");
    expect(() => validateSigning({ attachSbom: true, hasKey: true })).not.toThrow();
  });
});
