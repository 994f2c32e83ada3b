import { describe, expect, it } from "vitest";

import { parseCoverProfile } from "../../../core/go/coverage.js";
import { fileErrorOf } from "../../support/errors.js";

describe("parseCoverProfile", () => {
  it("sums statements and covered statements of a set-mode profile", () => {
    const profile = ["mode: set", "example.com/svc/a.go:3.24,5.2 2 1", "example.com/svc/a.go:7.10,9.3 3 0", "example.com/svc/b.go:1.1,2.2 5 1", ""].join("\n");
    expect(parseCoverProfile(profile)).toEqual({ statements: 10, covered: 7, percent: 70 });
  });

  it("counts a block listed by several test binaries (-coverpkg) once, covered if any run covered it", () => {
    // What `go test -coverpkg=./... -coverprofile` printed for two packages that share ok.go.
    const profile = [
      "mode: set",
      "example.com/gt/ok/ok.go:3.24,3.37 1 1",
      "example.com/gt/ok/ok.go:3.37,3.49 1 0",
      "example.com/gt/ok/ok.go:3.51,3.63 1 1",
      "example.com/gt/ok/ok.go:3.24,3.37 1 0",
      "example.com/gt/ok/ok.go:3.37,3.49 1 0",
      "example.com/gt/ok/ok.go:3.51,3.63 1 0",
    ].join("\n");
    const coverage = parseCoverProfile(profile);
    expect(coverage).toMatchObject({ statements: 3, covered: 2 });
    expect(coverage.percent).toBeCloseTo(66.667, 2);
  });

  it("reads count and atomic profiles and concatenated profiles that repeat the mode line", () => {
    const merged = ["mode: atomic", "a.go:1.1,2.2 4 0", "mode: atomic", "a.go:1.1,2.2 4 17", "b.go:1.1,2.2 1 3"].join("\r\n");
    expect(parseCoverProfile(merged)).toEqual({ statements: 5, covered: 5, percent: 100 });
  });

  it("reports 0, not NaN, for an empty file or a profile with no blocks", () => {
    expect(parseCoverProfile("")).toEqual({ statements: 0, covered: 0, percent: 0 });
    expect(parseCoverProfile("mode: set\n")).toEqual({ statements: 0, covered: 0, percent: 0 });
  });

  it("accepts file names that contain colons", () => {
    expect(parseCoverProfile("mode: count\nC:\\src\\svc\\a.go:1.1,2.2 2 1\n").covered).toBe(2);
  });

  it("names the given file and the line of a malformed block", () => {
    const error = fileErrorOf(() => parseCoverProfile("mode: set\na.go:1.1,2.2 1 1\na.go:3.1,4.2 one 1\n", "build/cover.out"));
    expect(error).toMatchObject({ file: "build/cover.out", line: 3 });
    expect(error.message).toMatch(/^build\/cover\.out:3: "a\.go:3\.1,4\.2 one 1" is not a coverage block/);
  });

  it("rejects a file that does not start with a mode line, or names an unknown mode", () => {
    expect(fileErrorOf(() => parseCoverProfile("a.go:1.1,2.2 1 1\n"))).toMatchObject({ file: "coverage.out", line: 1 });
    expect(fileErrorOf(() => parseCoverProfile("\nmode: sometimes\n")).message).toBe(
      'coverage.out:2: unknown coverage mode "sometimes"; expected set, count or atomic',
    );
  });

  it("rejects merged profiles that disagree on a block's statement count", () => {
    const error = fileErrorOf(() => parseCoverProfile("mode: set\na.go:1.1,2.2 1 1\na.go:1.1,2.2 3 0\n"));
    expect(error.line).toBe(3);
    expect(error.message).toMatch(/different sources/);
  });
});
