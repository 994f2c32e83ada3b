// Wiring of Gantry.build (src/dagger/go-build.ts, go-toolchain.ts) against the Dagger SIMULATION:
// which containers are asked for and in what order, not what go build does (test/host runs it).
import { readFileSync } from "node:fs";

import type { Directory } from "@dagger.io/dagger";
import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@dagger.io/dagger", () => import("../support/dagger-simulation.js"));

import { planBuild } from "../../src/core/go/build-plan.js";
import { parseGoMod } from "../../src/core/go/gomod.js";
import { simulation, type SimNode } from "../support/dagger-simulation.js";
import { fileAt, gantry, HELLO_API, producer, sourceTree } from "./gantry.js";

const COMMIT = "0123456789abcdef0123456789abcdef01234567";
const EPOCH = 1_700_000_000;
const HELLO_GO_MOD = readFileSync(new URL("go.mod", HELLO_API), "utf8");
const MAIN_GO = "package main\n\nfunc main() {}\n";

beforeEach(() => simulation.reset());

/** The build container of each binary in the output directory, by file name. */
async function built(dist: Directory): Promise<Map<string, SimNode>> {
  return new Map((await dist.entries()).map((name) => [name, producer(fileAt(dist, name))]));
}

describe("build: the Go toolchain container", () => {
  it("uses golang:<minor of go.mod's go line> (go 1.26.0 gives golang:1.26)", async () => {
    const [ctr] = (await built(await gantry().build(["linux/amd64"]))).values();
    expect(ctr!.calls("from").map((c) => c.args[0])).toEqual(["golang:1.26"]);
  });

  it("uses --go-image as given, for mirrors and air-gapped registries", async () => {
    const [ctr] = (await built(await gantry({ goImage: "registry.example/mirror/golang:1.26.3" }).build(["linux/amd64"]))).values();
    expect(ctr!.calls("from").map((c) => c.args[0])).toEqual(["registry.example/mirror/golang:1.26.3"]);
  });

  it("mounts the namespaced cache volumes gantry-go-mod and gantry-go-build at GOMODCACHE and GOCACHE", async () => {
    const [ctr] = (await built(await gantry().build(["linux/amd64"]))).values();
    const mounts = ctr!.calls("withMountedCache").map((c) => [c.args[0], simulation.node(c.args[1]).call.args[0]]);
    expect(mounts).toEqual([
      ["/go/pkg/mod", "gantry-go-mod"],
      ["/root/.cache/go-build", "gantry-go-build"],
    ]);
  });

  it("mounts the caller's own cache volumes instead of the defaults", async () => {
    const moduleCache = simulation.cacheVolume("team-mod");
    const buildCache = simulation.cacheVolume("team-build");
    const [ctr] = (await built(await gantry({ moduleCache, buildCache }).build(["linux/amd64"]))).values();
    expect(ctr!.calls("withMountedCache").map((c) => c.args)).toEqual([
      ["/go/pkg/mod", moduleCache],
      ["/root/.cache/go-build", buildCache],
    ]);
    expect(simulation.dagCalls.filter((c) => c.method === "cacheVolume")).toEqual([]);
  });

  it("--no-cache mounts no cache volume at all", async () => {
    const [ctr] = (await built(await gantry({ noCache: true }).build(["linux/amd64"]))).values();
    expect(ctr!.calls("withMountedCache")).toEqual([]);
    expect(simulation.dagCalls.filter((c) => c.method === "cacheVolume")).toEqual([]);
  });

  it("downloads modules on a container holding only go.mod, so editing code keeps the download cached", async () => {
    const source = simulation.hostDirectory(HELLO_API);
    const [ctr] = (await built(await gantry({}, source).build(["linux/amd64"]))).values();
    const calls = ctr!.calls();
    const download = calls.findIndex((c) => c.method === "withExec" && (c.args[0] as string[]).join(" ") === "go mod download");
    expect(download).toBeGreaterThan(0);
    const before = calls.slice(0, download);
    expect(before.filter((c) => ["withDirectory", "withMountedDirectory"].includes(c.method))).toEqual([]);
    const modFiles = before.filter((c) => c.method === "withFile");
    expect(modFiles.map((c) => c.args[0])).toEqual(["/src/go.mod"]);
    const goMod = simulation.node(modFiles[0]!.args[1]);
    expect(goMod.parent).toBe(source);
    expect(goMod.call).toEqual({ method: "file", args: ["go.mod"] });
    // Only after the download does the whole source arrive, at the workdir the build runs in.
    expect(calls[download + 1]).toEqual({ method: "withDirectory", args: ["/src", source] });
    expect(before.filter((c) => c.method === "withWorkdir").map((c) => c.args[0])).toEqual(["/src"]);
  });

  it("adds go.sum to the download step when the module has one", async () => {
    const source = sourceTree({ "go.mod": HELLO_GO_MOD, "go.sum": "example.com/x v1.0.0 h1:abc=\n", "main.go": MAIN_GO });
    const [ctr] = (await built(await gantry({}, source).build(["linux/amd64"]))).values();
    const calls = ctr!.calls();
    const download = calls.findIndex((c) => c.method === "withExec");
    expect(calls.slice(0, download).filter((c) => c.method === "withFile").map((c) => c.args[0])).toEqual(["/src/go.mod", "/src/go.sum"]);
  });

  it("mounts --netrc as a secret and sets GOPRIVATE before the download, which is what needs them", async () => {
    const netrc = simulation.secret("netrc", "machine git.acme.example login bot password x");
    const [ctr] = (await built(await gantry({ netrc, goprivate: "git.acme.example/*" }).build(["linux/amd64"]))).values();
    const calls = ctr!.calls();
    const download = calls.findIndex((c) => c.method === "withExec");
    const before = calls.slice(0, download);
    expect(before).toContainEqual({ method: "withMountedSecret", args: ["/root/.netrc", netrc] });
    expect(before).toContainEqual({ method: "withEnvVariable", args: ["GOPRIVATE", "git.acme.example/*"] });
    expect(before).toContainEqual({ method: "withEnvVariable", args: ["GOTOOLCHAIN", "local"] });
  });
});

describe("build: one go build per platform, exactly as the core plans it", () => {
  const platforms = ["linux/amd64", "linux/arm64", "linux/arm/v7", "darwin/arm64", "windows/amd64"];
  const settings = { version: "1.2.3", commit: COMMIT, sourceDateEpoch: EPOCH, buildTags: ["netgo"], values: ["main.env=prod"] };
  const plan = planBuild({
    module: parseGoMod(HELLO_GO_MOD),
    pkg: ".",
    platforms,
    nativePlatform: "linux/amd64",
    name: "",
    version: "1.2.3",
    commit: COMMIT,
    date: "2023-11-14T22:13:20Z",
    stampPackage: "main",
    values: ["main.env=prod"],
    ldflags: [],
    tags: ["netgo"],
    goprivate: "",
  });

  it("writes one binary per platform into the output directory, named as the plan names it", async () => {
    const dist = await gantry(settings).build(platforms);
    expect(await dist.entries()).toEqual(plan.steps.map((s) => s.output).sort());
  });

  it("runs each platform's plan argv in its own branch, with that platform's GOOS/GOARCH and the plan's env", async () => {
    const containers = await built(await gantry(settings).build(platforms));
    for (const step of plan.steps) {
      const ctr = containers.get(step.output)!;
      expect(ctr.lastExec(), step.platform).toEqual({ argv: step.argv, options: {} });
      expect(ctr.envVariables(), step.platform).toMatchObject(step.env);
    }
    // Every branch starts from the same prepared container: one go mod download, not one per platform.
    const downloads = new Set([...containers.values()].map((c) => c.chain().find((n) => n.call.method === "withExec")));
    expect(downloads.size).toBe(1);
  });

  it("takes each binary from where the plan told go build to write it", async () => {
    const dist = await gantry(settings).build(platforms);
    for (const step of plan.steps) {
      expect(fileAt(dist, step.output).call.args).toEqual([`${plan.outputDir}/${step.output}`]);
      expect(step.argv).toContain(`${plan.outputDir}/${step.output}`);
    }
  });

  it("builds for the engine's own platform when no platform is given", async () => {
    simulation.reset((q) => (q.what === "dag.defaultPlatform" ? "linux/arm64" : undefined));
    const dist = await gantry().build();
    expect(await dist.entries()).toEqual(["hello-api_linux_arm64"]);
  });

  it("names binaries after --pkg's directory and builds that package", async () => {
    const source = sourceTree({ "go.mod": HELLO_GO_MOD, "cmd/api/main.go": MAIN_GO, "cmd/api/main_test.go": "package main\n" });
    const containers = await built(await gantry({ pkg: "./cmd/api" }, source).build(["linux/amd64"]));
    expect([...containers.keys()]).toEqual(["api_linux_amd64"]);
    expect(containers.get("api_linux_amd64")!.lastExec()!.argv.at(-1)).toBe("./cmd/api");
  });
});

describe("build: mistakes are reported before any container is created", () => {
  it("a source without go.mod", async () => {
    const source = sourceTree({ "main.go": MAIN_GO });
    await expect(gantry({}, source).build(["linux/amd64"])).rejects.toThrow(/no go\.mod at the root of the source directory \(found: main\.go\)/);
    expect(simulation.containersCreated()).toBe(0);
  });

  it("a --pkg that is a library, not a main package", async () => {
    await expect(gantry({ pkg: "./internal/server" }).build(["linux/amd64"])).rejects.toThrow(/\.\/internal\/server is package server, not a main package/);
    expect(simulation.containersCreated()).toBe(0);
  });

  it("a --pkg directory without Go files", async () => {
    await expect(gantry({ pkg: "./cmd/missing" }).build(["linux/amd64"])).rejects.toThrow(/no Go source files in \.\/cmd\/missing/);
    expect(simulation.containersCreated()).toBe(0);
  });

  it("cgo for a platform other than the engine's (there is no C cross-compiler)", async () => {
    await expect(gantry({ cgo: true }).build(["linux/amd64", "linux/arm64"])).rejects.toThrow(/cgo builds only for the engine's platform linux\/amd64.*drop linux\/arm64/);
    expect(simulation.containersCreated()).toBe(0);
  });
});

describe("dockerfile", () => {
  it("is rendered from the same plan and runs nothing: no container, the go.mod toolchain image", async () => {
    const file = await gantry({ version: "1.2.3" }).dockerfile(["linux/amd64"]);
    expect(simulation.containersCreated()).toBe(0);
    expect(simulation.node(file).call.args[0]).toBe("Dockerfile");
    expect(await file.contents()).toMatch(/^FROM .*golang:1\.26\b/m);
  });
});
