import { describe, expect, it } from "vitest";

import { canonicalJson } from "../../../../core/image/oci/canonical-json.js";

describe("canonicalJson", () => {
  it("sorts keys at every depth, integer-like ones included, and writes no whitespace", () => {
    expect(canonicalJson({ b: 1, a: { z: [true, null, "x"], "10": 1, "9": 2 } })).toBe('{"a":{"10":1,"9":2,"z":[true,null,"x"]},"b":1}');
  });

  it("gives one text whatever order the keys were added in", () => {
    expect(canonicalJson({ x: 1, y: { q: 2, p: 3 } })).toBe(canonicalJson({ y: { p: 3, q: 2 }, x: 1 }));
  });

  it("leaves undefined properties out and refuses values JSON cannot hold", () => {
    expect(canonicalJson({ a: undefined, b: "é\n" })).toBe('{"b":"é\\n"}');
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(/no JSON form/);
    expect(() => canonicalJson([undefined])).toThrow(/no JSON form/);
  });
});
