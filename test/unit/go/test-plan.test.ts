import { describe, expect, it } from "vitest";

import { planTest } from "../../../core/go/test-plan.js";

describe("planTest", () => {
  it("streams JSON events and writes an atomic coverprofile by default", () => {
    const plan = planTest({ packages: [] });
    expect(plan.argv).toEqual(["go", "test", "-json", "-buildvcs=false", "-covermode=atomic", "-coverprofile=/gantry/test/coverage.out", "./..."]);
    expect(plan.eventsPath).toBe("/gantry/test/events.json");
    expect(plan.env).toEqual({ CGO_ENABLED: "0", GOTOOLCHAIN: "local" });
  });

  it("maps every option onto go test's flags", () => {
    const plan = planTest({
      packages: ["./internal/...", "github.com/acme/x/..."],
      run: "TestA|TestB",
      skip: "Slow",
      cover: false,
      count: 3,
      timeout: "1h30m",
      shuffle: "42",
      short: true,
      failfast: true,
      tags: ["integration"],
      outputDir: "/tmp/out",
    });
    expect(plan.argv).toEqual([
      "go",
      "test",
      "-json",
      "-buildvcs=false",
      "-run",
      "TestA|TestB",
      "-skip",
      "Slow",
      "-count=3",
      "-timeout=1h30m",
      "-shuffle=42",
      "-short",
      "-failfast",
      "-tags",
      "integration",
      "./internal/...",
      "github.com/acme/x/...",
    ]);
    expect(plan.coverprofilePath).toBeUndefined();
    expect(plan.eventsPath).toBe("/tmp/out/events.json");
  });

  it("turns cgo on for the race detector, and refuses race with cgo explicitly off", () => {
    const plan = planTest({ packages: ["./..."], race: true, coverpkg: "./..." });
    expect(plan.env.CGO_ENABLED).toBe("1");
    expect(plan.argv).toContain("-race");
    expect(plan.argv).toContain("-coverpkg=./...");
    expect(() => planTest({ packages: [], race: true, cgo: false })).toThrow("--race: the race detector needs cgo, but --cgo=false was given");
  });

  it.each([
    [{ timeout: "10 minutes" }, '--timeout: "10 minutes" is not a Go duration'],
    [{ count: 0 }, "--count: 0 must be a whole number of runs, at least 1"],
    [{ shuffle: "sometimes" }, '--shuffle: "sometimes" must be on, off or a seed number'],
    [{ packages: ["-v"] }, '--packages: "-v" looks like a flag'],
    [{ packages: ["../x/..."] }, '--packages: "../x/..." must be a path inside the module'],
    [{ cover: false, coverpkg: "./..." }, "--coverpkg: has no effect with --cover=false"],
  ])("rejects %o", (overrides, message) => {
    expect(() => planTest({ packages: ["./..."], ...overrides })).toThrow(message);
  });
});
