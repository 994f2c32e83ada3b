import { describe, expect, it } from "vitest";
import { planSbom, SYFT_IMAGE } from "../../../core/image/sbom.js";
import { expectArgumentError } from "./argument-error.js";

describe("planSbom", () => {
  it("scans the OCI tarball with a pinned syft into SPDX JSON by default, without update checks", () => {
    expect(SYFT_IMAGE).toMatch(/^anchore\/syft:v1\.\d+\.\d+$/);
    expect(planSbom({ tarball: "/work/image.tar" })).toEqual({
      tool: "syft",
      image: SYFT_IMAGE,
      args: ["scan", "oci-archive:/work/image.tar", "--output", "spdx-json=/work/sbom.spdx.json"],
      env: { SYFT_CHECK_FOR_APP_UPDATE: "false" },
      secretEnv: [],
      format: "spdx-json",
      output: "/work/sbom.spdx.json",
    });
  });

  it("writes CycloneDX JSON, for one platform, named after the image", () => {
    const run = planSbom({
      tarball: "/in/image.tar",
      format: "cyclonedx-json",
      platform: "linux/arm64",
      sourceName: "ghcr.io/acme/hello-api",
      sourceVersion: "1.2.3",
      image: "mirror.example/anchore/syft:v1.49.0",
    });
    expect(run.image).toBe("mirror.example/anchore/syft:v1.49.0");
    expect(run.output).toBe("/work/sbom.cdx.json");
    expect(run.args).toEqual([
      "scan",
      "oci-archive:/in/image.tar",
      "--output",
      "cyclonedx-json=/work/sbom.cdx.json",
      "--platform",
      "linux/arm64",
      "--source-name",
      "ghcr.io/acme/hello-api",
      "--source-version",
      "1.2.3",
    ]);
  });

  it.each<[string, Parameters<typeof planSbom>[0], string, RegExp]>([
    ["unknown format", { tarball: "/work/image.tar", format: "spdx" }, "sbomFormat", /"spdx" is not an SBOM format; expected one of spdx-json, cyclonedx-json/],
    ["relative tarball", { tarball: "image.tar" }, "tarball", /absolute path/],
    ["output with ..", { tarball: "/work/image.tar", output: "/work/../sbom.json" }, "output", /absolute path/],
    ["non-Linux platform", { tarball: "/work/image.tar", platform: "windows/amd64" }, "platform", /Linux/],
    ["invalid syft image", { tarball: "/work/image.tar", image: "anchore/Syft" }, "syftImage", /lowercase/],
  ])("rejects %s", (_, options, argument, problem) => {
    expectArgumentError(() => planSbom(options), argument, problem);
  });
});
