import { describe, expect, it } from "vitest";

import { isValidDigest } from "../../../core/image/reference.js";
import { imageLabels } from "../../../core/image/labels.js";
import { parseKeyValues } from "../../../core/key-values.js";

describe("user keys that name Object.prototype members", () => {
  it("keeps a __proto__ label as a label instead of dropping it into the prototype", () => {
    const labels = parseKeyValues(["__proto__=x", "constructor=y", "a=b"], "labels");
    expect(Object.entries(labels)).toEqual([
      ["__proto__", "x"],
      ["constructor", "y"],
      ["a", "b"],
    ]);
    expect(Object.entries(imageLabels({ labels }))).toEqual([
      ["__proto__", "x"],
      ["a", "b"],
      ["constructor", "y"],
    ]);
  });

  it("lets a later __proto__ win like any other key", () => {
    expect(Object.entries(parseKeyValues(["__proto__=1", "__proto__=2"], "labels"))).toEqual([["__proto__", "2"]]);
  });

  it("does not take a digest algorithm from Object.prototype", () => {
    expect(isValidDigest("constructor:abc")).toBe(false);
    expect(isValidDigest(`__proto__:${"a".repeat(64)}`)).toBe(false);
    expect(isValidDigest(`sha256:${"a".repeat(64)}`)).toBe(true);
  });
});
