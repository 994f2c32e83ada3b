import { describe, expect, it } from "vitest";

import { linuxPlatforms } from "../../../core/image/platforms.js";

describe("linuxPlatforms", () => {
  it("keeps the Linux build platforms an image is made of, in the order given", () => {
    expect(linuxPlatforms(["darwin/arm64", "linux/arm64", "windows/amd64", "linux/amd64", "linux/arm/v7"])).toEqual([
      "linux/arm64",
      "linux/amd64",
      "linux/arm/v7",
    ]);
  });

  it("gives nothing when no Linux platform is built", () => {
    expect(linuxPlatforms(["darwin/arm64", "windows/amd64"])).toEqual([]);
  });
});
