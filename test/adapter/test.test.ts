// Wiring of Gantry.test and TestReport (src/dagger/go-test.ts, test-report.ts) against the Dagger
// SIMULATION: the go test run is recorded, its exit code and output files come from the test's script.
import { readFileSync } from "node:fs";

import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@dagger.io/dagger", () => import("../support/dagger-simulation.js"));

import { planTest, type TestRequest } from "../../src/core/go/test-plan.js";
import type { Gantry } from "../../src/index.js";
import { simulation, type Query, type SimNode } from "../support/dagger-simulation.js";
import { gantry, producer, TOOL_FIXTURES, sourceTree } from "./gantry.js";

/** A real `go test -json` stream: TestOne fails, TestTwo passes (see test/fixtures/SOURCES.md). */
const EVENTS = readFileSync(new URL("gotest/gojunit-101-fail.gojson.txt", TOOL_FIXTURES), "utf8");
/** Two blocks of two statements, one of them run: 50%. */
const PROFILE = "mode: atomic\nexample.com/hello/main.go:10.2,12.3 2 1\nexample.com/hello/main.go:14.2,16.3 2 0\n";

const DEFAULTS: TestRequest = { packages: ["./..."], run: "", skip: "", race: false, cover: true, coverpkg: "", count: 1, timeout: "10m", shuffle: "", short: false, failfast: false };

function runTest(g: Gantry, r: Partial<TestRequest> = {}) {
  return g.test(r.packages, r.run, r.skip, r.race, r.cover, r.coverpkg, r.count, r.timeout, r.shuffle, r.short, r.failfast);
}

/** go test exits `exitCode` having written EVENTS to stdout (redirected) and, if `profile`, a coverprofile. */
function goTestRun(exitCode: number, profile?: string) {
  return (q: Query): unknown => {
    const isGoTest = (n: SimNode | undefined) => n?.lastExec()?.argv.slice(0, 2).join(" ") === "go test";
    if (q.what === "Container.exitCode" && isGoTest(q.on)) return exitCode;
    if (q.what === "Container.exists" && isGoTest(q.on)) return q.args[0] === "/gantry/test/coverage.out" && profile !== undefined;
    if (q.what === "File.contents" && isGoTest(q.on!.parent)) {
      if (q.on!.call.args[0] === "/gantry/test/events.json") return EVENTS;
      if (q.on!.call.args[0] === "/gantry/test/coverage.out" && profile !== undefined) return profile;
    }
    return undefined;
  };
}

/** The container go test ran in, found from the report's own events file. */
function goTestContainer(report: { json(): unknown }): SimNode {
  const events = simulation.node(report.json());
  expect(events.call).toEqual({ method: "file", args: ["/gantry/test/events.json"] });
  return events.parent!;
}

beforeEach(() => simulation.reset(goTestRun(1, PROFILE)));

describe("test: the go test run", () => {
  it("runs exactly the core plan's argv, keeping any exit code (expect ANY) and sending stdout to the events file", async () => {
    const ran = goTestContainer(await runTest(gantry()));
    const plan = planTest({ ...DEFAULTS, tags: [], cgo: undefined, goprivate: "" });
    expect(ran.lastExec()).toEqual({ argv: plan.argv, options: { expect: "ANY", redirectStdout: plan.eventsPath } });
    expect(ran.envVariables()).toMatchObject(plan.env);
    // The directory the redirect writes into exists first.
    expect(ran.execs().at(-2)).toEqual({ argv: ["mkdir", "-p", "/gantry/test"], options: {} });
  });

  it("runs on the Go toolchain container, after the module download, with the source at the workdir", async () => {
    const ran = goTestContainer(await runTest(gantry()));
    expect(ran.calls("from").map((c) => c.args[0])).toEqual(["golang:1.26"]);
    expect(ran.execs().map((e) => e.argv.slice(0, 2).join(" "))).toEqual(["go mod", "mkdir -p", "go test"]);
    expect(ran.calls("withDirectory").map((c) => c.args[0])).toEqual(["/src"]);
  });

  it("downloads modules with go.sum too when the module has one, as the build does", async () => {
    const source = sourceTree({ "go.mod": "module example.com/hello\n\ngo 1.26.0\n", "go.sum": "example.com/x v1.0.0 h1:abc=\n", "main_test.go": "package main\n" });
    const ran = goTestContainer(await runTest(gantry({}, source)));
    const calls = ran.calls();
    const download = calls.findIndex((c) => c.method === "withExec");
    expect(calls.slice(0, download).filter((c) => c.method === "withFile").map((c) => c.args[0])).toEqual(["/src/go.mod", "/src/go.sum"]);
  });

  it("passes every test option through the core plan (run, skip, count, timeout, shuffle, short, failfast, coverpkg)", async () => {
    const request = { packages: ["./internal/..."], run: "TestServer", skip: "TestSlow", count: 3, timeout: "2m", shuffle: "on", short: true, failfast: true, coverpkg: "./..." };
    const ran = goTestContainer(await runTest(gantry(), request));
    expect(ran.lastExec()!.argv).toEqual(planTest({ ...DEFAULTS, ...request, tags: [], goprivate: "" }).argv);
  });

  it("tests with the constructor's --build-tags, as the build does", async () => {
    const ran = goTestContainer(await runTest(gantry({ buildTags: ["integration", "netgo"] })));
    const argv = ran.lastExec()!.argv;
    expect(argv.slice(argv.indexOf("-tags"), argv.indexOf("-tags") + 2)).toEqual(["-tags", "integration,netgo"]);
  });

  it("race turns cgo on for the go test run only", async () => {
    const ran = goTestContainer(await runTest(gantry(), { race: true }));
    expect(ran.lastExec()!.argv).toContain("-race");
    expect(ran.envVariables().CGO_ENABLED).toBe("1");
    // The shared module download before it stays a cgo-off step.
    const download = ran.chain().find((n) => n.call.method === "withExec")!;
    expect(download.envVariables().CGO_ENABLED).toBe("0");
  });

  it("race with --cgo=false fails before any container is created", async () => {
    await expect(runTest(gantry({ cgo: false }), { race: true })).rejects.toThrow(/race detector needs cgo, but --cgo=false was given/);
    expect(simulation.containersCreated()).toBe(0);
  });

  it("a source without go.mod fails before any container is created", async () => {
    await expect(runTest(gantry({}, sourceTree({ "main_test.go": "package main\n" })))).rejects.toThrow(/no go\.mod/);
    expect(simulation.containersCreated()).toBe(0);
  });
});

describe("TestReport: the outcome as data, read from the run's own files", () => {
  it("returns a report even when tests fail; counts come from the events file, the exit code from the run", async () => {
    const report = await runTest(gantry());
    expect(report.exitCode).toBe(1);
    expect([await report.tests(), await report.passed(), await report.failed(), await report.skipped()]).toEqual([2, 1, 1, 0]);
    expect(await report.ok()).toBe(false);
  });

  it("check() fails listing the failing test, and only it", async () => {
    const report = await runTest(gantry());
    const error = await report.check().then(() => undefined, (e: Error) => e);
    expect(error?.message).toMatch(/go test failed \(exit code 1\): 1 of 2 tests failed/);
    expect(error?.message).toContain("FAIL package/name/fail.TestOne");
    expect(error?.message).not.toContain("TestTwo");
  });

  it("junit() is a junit.xml file made from the same events, with the failure in it", async () => {
    const junit = await (await runTest(gantry())).junit();
    expect(simulation.node(junit).call.args[0]).toBe("junit.xml");
    expect(await junit.contents()).toMatch(/<testcase[^>]*name="TestOne"[\s\S]*?<failure/);
  });

  it("coverage is read from the coverprofile the same run wrote", async () => {
    const report = await runTest(gantry());
    expect(await report.coverage()).toBe(50);
    expect(producer(simulation.node(report.profile()))).toBe(goTestContainer(report));
  });

  it("a run that wrote no coverprofile (a build failure) reports 0% and an empty profile instead of failing", async () => {
    simulation.reset(goTestRun(1));
    const report = await runTest(gantry());
    expect(await report.coverage()).toBe(0);
    expect(await report.profile().contents()).toBe("");
  });

  it("--cover=false does not look for a coverprofile", async () => {
    const report = await runTest(gantry(), { cover: false });
    expect(simulation.askedFor("Container.exists")).toEqual([]);
    expect(goTestContainer(report).lastExec()!.argv.some((a) => a.startsWith("-coverprofile"))).toBe(false);
  });
});
