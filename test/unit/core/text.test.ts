import { describe, expect, it } from "vitest";

import { normalizePackage } from "../../../core/go/env.js";
import { toSarif } from "../../../core/scan/sarif.js";
import { trimTrailing } from "../../../core/text.js";
import { reportOf } from "../scan/reports.js";

describe("trailing slashes are trimmed by scanning, also from a 256 KiB run", () => {
  const slashes = "/".repeat(256 * 1024);

  it("trimTrailing", () => {
    expect([trimTrailing("a//", "/"), trimTrailing("///", "/"), trimTrailing("a/b", "/"), trimTrailing(`a${slashes}x`, "/") === `a${slashes}x`]).toEqual([
      "a",
      "",
      "a/b",
      true,
    ]);
  });

  it("a --pkg argument", () => {
    expect(normalizePackage(`cmd/api${slashes}`, "pkg")).toBe("./cmd/api");
    expect(normalizePackage(`${slashes}`, "pkg")).toBe(".");
  });

  it("a SARIF category", () => {
    expect(toSarif(reportOf([]), { category: `trivy/api${slashes}` }).log.runs[0]!.automationDetails).toEqual({ id: "trivy/api/" });
  });
});
