import { describe, expect, it } from "vitest";

import { planBuild, type BuildRequest } from "../../../core/go/build-plan.js";

const request = (overrides: Partial<BuildRequest> = {}): BuildRequest => ({
  module: { module: "github.com/acme/hello-api", go: "1.26" },
  pkg: ".",
  platforms: ["linux/amd64", "linux/arm64"],
  nativePlatform: "linux/amd64",
  ...overrides,
});

describe("planBuild", () => {
  it("cross-compiles statically with -trimpath, stripped symbols and stamped version, commit and date", () => {
    const plan = planBuild(request({ version: "1.2.3", commit: "0123abc", date: "2026-11-22T03:25:00Z" }));
    expect(plan.name).toBe("hello-api");
    expect(plan.ldflags).toBe("-s -w -X main.version=1.2.3 -X main.commit=0123abc -X main.date=2026-11-22T03:25:00Z");
    expect(plan.steps.map((s) => s.output)).toEqual(["hello-api_linux_amd64", "hello-api_linux_arm64"]);
    expect(plan.steps[1]).toEqual({
      platform: "linux/arm64",
      output: "hello-api_linux_arm64",
      argv: ["go", "build", "-trimpath", "-buildvcs=false", "-ldflags", plan.ldflags, "-o", "/gantry/dist/hello-api_linux_arm64", "."],
      env: { CGO_ENABLED: "0", GOTOOLCHAIN: "local", GOOS: "linux", GOARCH: "arm64" },
    });
  });

  it("names the binary after the main package directory, or the module without its major version suffix", () => {
    expect(planBuild(request({ pkg: "cmd/server/" })).name).toBe("server");
    expect(planBuild(request({ module: { module: "github.com/acme/api/v2", go: "1.26" } })).name).toBe("api");
    expect(planBuild(request({ name: "svc" })).steps[0]!.argv).toContain("/gantry/dist/svc_linux_amd64");
  });

  it("passes tags, extra stamps, extra ldflags, GOPRIVATE and a custom stamp package", () => {
    const plan = planBuild(
      request({
        platforms: ["windows/amd64"],
        tags: ["netgo,osusergo", "netgo"],
        values: ["main.env=prod"],
        ldflags: ["-extldflags=-static"],
        stampPackage: "github.com/acme/hello-api/internal/build",
        version: "2.0.0",
        goprivate: "github.com/acme/*",
      }),
    );
    const step = plan.steps[0]!;
    expect(step.argv).toEqual([
      "go",
      "build",
      "-trimpath",
      "-buildvcs=false",
      "-ldflags",
      "-s -w -X github.com/acme/hello-api/internal/build.version=2.0.0 -X main.env=prod -extldflags=-static",
      "-tags",
      "netgo,osusergo",
      "-o",
      "/gantry/dist/hello-api_windows_amd64.exe",
      ".",
    ]);
    expect(step.env.GOPRIVATE).toBe("github.com/acme/*");
  });

  it("refuses cgo for a platform other than the engine's", () => {
    expect(() => planBuild(request({ cgo: true }))).toThrow(
      "--platforms: cgo builds only for the engine's platform linux/amd64 (no C cross-compiler); drop linux/arm64",
    );
    expect(planBuild(request({ cgo: true, platforms: ["linux/amd64"] })).steps[0]!.env.CGO_ENABLED).toBe("1");
  });

  it.each<[Partial<BuildRequest>, string]>([
    [{ pkg: "../other" }, '--pkg: "../other" must be a path inside the module'],
    [{ pkg: "/abs" }, '--pkg: "/abs" must be a path inside the module'],
    [{ name: "bad name" }, '--name: "bad name" is not a file name'],
    [{ version: "1.0 beta" }, '--version: "1.0 beta" cannot contain spaces or quotes'],
    [{ values: ["noequals"] }, '--values: "noequals" must look like importpath.name=value'],
    [{ tags: ["bad-tag"] }, '--tags: "bad-tag" is not a build tag'],
    [{ goprivate: "a b" }, "--goprivate: "],
  ])("rejects %o before any container runs", (overrides, message) => {
    expect(() => planBuild(request(overrides))).toThrow(message);
  });
});
