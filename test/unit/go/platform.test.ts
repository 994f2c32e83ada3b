import { describe, expect, it } from "vitest";

import { parsePlatform, parsePlatforms, platformEnv, platformSuffix } from "../../../core/go/platform.js";

describe("platforms", () => {
  it("parses os/arch/variant and maps variants to GOARM and GOAMD64", () => {
    expect(platformEnv(parsePlatform("linux/arm/v7"))).toEqual({ GOOS: "linux", GOARCH: "arm", GOARM: "7" });
    expect(platformEnv(parsePlatform("linux/amd64/v3"))).toEqual({ GOOS: "linux", GOARCH: "amd64", GOAMD64: "v3" });
    expect(platformEnv(parsePlatform("darwin/arm64"))).toEqual({ GOOS: "darwin", GOARCH: "arm64" });
  });

  it("names outputs like GoReleaser", () => {
    expect(platformSuffix(parsePlatform("linux/arm/v7"))).toBe("linux_arm_v7");
    expect(platformSuffix(parsePlatform("windows/amd64"))).toBe("windows_amd64");
  });

  it("accepts comma-separated lists and removes duplicates", () => {
    expect(parsePlatforms(["linux/amd64,linux/arm64", "linux/amd64"]).map(platformSuffix)).toEqual(["linux_amd64", "linux_arm64"]);
  });

  it.each([
    ["linux", "is not a platform"],
    ["plan10/amd64", 'unknown OS "plan10"'],
    ["linux/sparc", "Go does not build linux/sparc"],
    ["linux/arm/v9", "variant must be one of v5, v6, v7"],
    ["linux/arm64/v8", "arm64 takes no variant"],
    ["linux/amd64/v1/x", "is not a platform"],
  ])("rejects %s naming the argument", (text, problem) => {
    expect(() => parsePlatforms([text])).toThrow(`--platforms: `);
    expect(() => parsePlatforms([text])).toThrow(problem);
  });

  it("refuses an empty list instead of building nothing", () => {
    expect(() => parsePlatforms([" , "])).toThrow("--platforms: no platform given");
  });
});

describe("platforms named like Object.prototype members", () => {
  it.each([
    ["constructor/amd64", 'unknown OS "constructor"'],
    ["__proto__/amd64", 'unknown OS "__proto__"'],
    ["toString/arm64", 'unknown OS "toString"'],
    ["linux/constructor", "Go does not build linux/constructor"],
    ["linux/arm/constructor", "variant must be one of v5, v6, v7"],
    ["linux/arm64/__proto__", "arm64 takes no variant"],
  ])("%s is a clear ArgumentError", (platform, message) => {
    expect(() => parsePlatform(platform)).toThrow(`--platforms: "${platform}": ${message}`);
  });
});
