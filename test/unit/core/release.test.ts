import { describe, expect, it } from "vitest";

import { resolveRelease } from "../../../core/release.js";

describe("resolveRelease", () => {
  it("takes the version from a release tag and the date from the commit time", () => {
    expect(resolveRelease({ ref: "refs/tags/v1.4.0", commit: "ABCDEF1234567", sourceDateEpoch: 1_700_000_000 })).toEqual({
      version: "1.4.0",
      commit: "abcdef1234567",
      date: "2023-11-14T22:13:20Z",
      sourceDateEpoch: 1_700_000_000,
    });
  });

  it("lets an explicit version win and keeps build metadata for the stamp", () => {
    expect(resolveRelease({ ref: "refs/tags/v1.4.0", version: "v2.0.0+build.7" }).version).toBe("2.0.0+build.7");
  });

  it("knows no version for a branch, and no date without a commit time", () => {
    expect(resolveRelease({ ref: "refs/heads/main", sourceDateEpoch: 0 })).toEqual({
      version: undefined,
      commit: undefined,
      date: undefined,
      sourceDateEpoch: undefined,
    });
  });

  it("names the argument that is wrong", () => {
    expect(() => resolveRelease({ commit: "not-a-sha" })).toThrow('--commit: "not-a-sha" is not a commit SHA');
    expect(() => resolveRelease({ version: "one" })).toThrow('--version: "one" is not a semantic version');
    expect(() => resolveRelease({ sourceDateEpoch: -5 })).toThrow("--source-date-epoch: -5 is not a commit time");
  });
});
