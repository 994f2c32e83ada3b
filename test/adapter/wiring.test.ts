// A few wiring checks of the Dagger layer (src/index.ts through dagger/) against the Dagger
// SIMULATION: which containers the functions ask for, built from the pipeline file. What the tools do
// is checked for real in test/host; the behaviour of each decision in test/unit.
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import type { Directory } from "@dagger.io/dagger";
import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@dagger.io/dagger", () => import("../support/dagger-simulation.js"));

import { Severity } from "../../src/enums.js";
import { Gantry } from "../../src/index.js";
import { ExecError, simulation, tree, type SimNode } from "../support/dagger-simulation.js";

const EXAMPLE = fileURLToPath(new URL("../../examples/hello-api/", import.meta.url));

/** A repository on disk: the example under services/api and a pipeline file naming it. */
function repository(pipeline: string): Directory {
  const root = mkdtempSync(join(tmpdir(), "gantry-wiring-"));
  cpSync(EXAMPLE, join(root, "services/api"), { recursive: true });
  mkdirSync(join(root, "pipelines"));
  writeFileSync(join(root, "pipelines/gantry.yaml"), pipeline);
  return simulation.hostDirectory(root);
}

const gantry = () => new Gantry("pipelines/gantry.yaml", "", "", "0123456789abcdef0123456789abcdef01234567", 1_763_769_600);

/** The container each file of a directory was taken from (the run that produced it), by name. */
function producers(dir: Directory): Map<string, SimNode> {
  const files = tree(simulation.node(dir))!;
  return new Map([...files].map(([name, entry]) => [name, "file" in entry ? entry.file.parent! : simulation.node(dir)]));
}

beforeEach(() => simulation.reset());

describe("wiring: functions read the pipeline file, then run the core's plans", () => {
  it("builds the Go module the pipeline names, in its toolchain image, with its caches, one exec per platform", async () => {
    const source = repository("name: api\nsource: services/api\ngo:\n  platforms: [linux/amd64, linux/arm64]\n  moduleCache: team-mod\n");
    const dist = await gantry().build(source);
    const built = producers(dist);
    expect([...built.keys()].sort()).toEqual(["api_linux_amd64", "api_linux_arm64"]);
    const ctr = built.get("api_linux_arm64")!;
    expect(ctr.calls("from").map((c) => c.args[0])).toEqual(["golang:1.26"]);
    expect(ctr.calls("withMountedCache").map((c) => simulation.node(c.args[1]).call.args[0])).toEqual(["team-mod", "gantry-go-build"]);
    const execs = ctr.calls("withExec").map((c) => (c.args[0] as string[])[0]);
    // The example has no go.sum: it requires nothing, so there is no module download step.
    expect(execs).toEqual(["go"]);
    expect(ctr.calls("withEnvVariable").map((c) => c.args)).toContainEqual(["GOARCH", "arm64"]);
    expect((ctr.lastExec()!.argv as string[]).join(" ")).toContain("-X main.commit=0123456789abcdef0123456789abcdef01234567");
  });

  it("takes the Go cache volumes' names per call, so a build from empty caches leaves the constructor alone", async () => {
    const source = repository("name: api\nsource: services/api\ngo:\n  platforms: [linux/amd64]\n");
    const built = producers(await gantry().build(source, undefined, "mod-2026-12-07", "build-2026-12-07"));
    const ctr = built.get("api_linux_amd64")!;
    expect(ctr.calls("withMountedCache").map((c) => simulation.node(c.args[1]).call.args[0])).toEqual(["mod-2026-12-07", "build-2026-12-07"]);
    await expect(gantry().build(source, undefined, "")).rejects.toThrow("--module-cache: a cache volume needs a name");
  });

  it("runs go test with the pipeline's settings and the function's overrides", async () => {
    const events = [
      '{"Action":"run","Package":"example.com/api","Test":"TestHealth"}',
      '{"Action":"pass","Package":"example.com/api","Test":"TestHealth","Elapsed":0.01}',
      '{"Action":"pass","Package":"example.com/api","Elapsed":0.02}',
      "",
    ].join("\n");
    simulation.reset((q) =>
      q.what === "Container.exists" ? false : q.what === "File.contents" && String(q.on?.call.args[0]).endsWith("events.json") ? events : undefined,
    );
    const source = repository("source: services/api\ntest:\n  count: 3\n");
    const report = await gantry().test(source, "TestHealth", undefined, undefined, false);
    // The counts and the verdict are fields, read once from the stream when the call ends.
    expect({ exitCode: report.exitCode, tests: report.tests, passed: report.passed, ok: report.ok }).toEqual({ exitCode: 0, tests: 1, passed: 1, ok: true });
    const argv = simulation.askedFor("Container.exitCode")[0]!.on!.lastExec()!.argv as string[];
    expect(argv.join(" ")).toMatch(/^go test -json .*-run TestHealth -count=3 /);
    expect(argv.some((a) => a.startsWith("-coverprofile"))).toBe(false);
  });

  it("reports a step that fails before go test (go mod download) with the tool's stderr, not the engine's bare exit code", async () => {
    simulation.reset((q) => {
      if (q.what !== "Container.exitCode") return undefined;
      throw new ExecError('process "go mod download" did not complete successfully: exit code: 1', {
        cmd: ["go", "mod", "download"],
        exitCode: 1,
        stdout: "",
        stderr: "go: example.com/private@v1.0.0: reading https://proxy.golang.org/example.com/private/@v/v1.0.0.mod: 404 Not Found\n",
      });
    });
    const source = repository("source: services/api\n");
    await expect(gantry().test(source)).rejects.toThrow(
      "go test: `go mod download` exited with code 1:\ngo: example.com/private@v1.0.0: reading https://proxy.golang.org/example.com/private/@v/v1.0.0.mod: 404 Not Found",
    );
  });

  it("refuses a broken pipeline file, naming its line, before any container is made", async () => {
    const source = repository("source: services/api\nscan:\n  severites: [HIGH]\n");
    await expect(gantry().build(source)).rejects.toThrow(/pipelines\/gantry\.yaml:3:3: scan\.severites: unknown setting; did you mean "severities"/);
    expect(simulation.containersCreated()).toBe(0);
  });

  it("refuses an override the file's schema would refuse, naming the flag", async () => {
    const source = repository("source: services/api\n");
    await expect(gantry().test(source, undefined, undefined, undefined, undefined, 0)).rejects.toThrow(/^--count: Too small/);
    expect(simulation.containersCreated()).toBe(0);
  });

  it("publishes nothing without a repository, before building", async () => {
    const source = repository("source: services/api\n");
    await expect(gantry().publish(source)).rejects.toThrow(/--repository/);
    expect(simulation.askedFor("Container.stdout")).toEqual([]);
  });
});

describe("wiring: kubectl in a container for the rollout loop", () => {
  const kubeconfig = (server: string) =>
    `apiVersion: v1\nkind: Config\ncurrent-context: c\ncontexts: [{name: c, context: {cluster: k, user: u}}]\nclusters: [{name: k, cluster: {server: "${server}"}}]\nusers: [{name: u, user: {token: t}}]\n`;

  it("runs the core's argv in the kubectl image with the kubeconfig mounted as a secret, never from the cache", async () => {
    const { containerKubectl } = await import("../../dagger/kube.js");
    simulation.reset((q) => (q.what === "Container.exitCode" ? 0 : q.what === "Container.stdout" ? '{"items":[]}' : undefined));
    const kubectl = await containerKubectl({
      kubeconfig: simulation.secret("kc", kubeconfig("https://api.example.com")),
      kubectlImage: "registry.k8s.io/kubectl:v1.36.3",
    });
    const first = await kubectl.run(["kubectl", "get", "deployments", "-o", "json"]);
    await kubectl.run(["kubectl", "apply", "-f", "-"], "kind: List\n");
    expect(first).toEqual({ status: 0, stdout: '{"items":[]}', stderr: "" });
    const [get, apply] = simulation.askedFor("Container.exitCode").map((a) => a.on!);
    expect(get!.calls("from").map((c) => c.args[0])).toEqual(["registry.k8s.io/kubectl:v1.36.3"]);
    expect(get!.calls("withMountedSecret").map((c) => c.args[0])).toEqual(["/gantry/kubeconfig"]);
    expect(get!.calls("withEnvVariable").map((c) => c.args)).toContainEqual(["KUBECONFIG", "/gantry/kubeconfig"]);
    expect(apply!.lastExec()).toMatchObject({ argv: ["kubectl", "apply", "-f", "-"] });
    expect(apply!.calls("withExec")[0]!.args[1]).toMatchObject({ stdin: "kind: List\n" });
    const busters = [get!, apply!].map((c) => c.calls("withEnvVariable").find((e) => e.args[0] === "GANTRY_KUBECTL_CALL")!.args[1]);
    expect(new Set(busters).size).toBe(2);
  });

  it("refuses a kubeconfig on the caller's loopback without the cluster as a service, before any container", async () => {
    const { containerKubectl } = await import("../../dagger/kube.js");
    await expect(containerKubectl({ kubeconfig: simulation.secret("kc", kubeconfig("https://127.0.0.1:6443")), kubectlImage: "k" })).rejects.toThrow(
      "--cluster tcp://localhost:6443",
    );
    expect(simulation.containersCreated()).toBe(0);
  });
});

describe("wiring: the load container of traffic: (simulation)", () => {
  const traffic = { url: "http://api.example.com/", rate: 5, image: "mirror.example.com/busybox:1.37.0" };

  it("runs the core's loop as a service in the configured image for as long as the rollout, then stops it", async () => {
    const { withTraffic } = await import("../../dagger/deploy.js");
    const { trafficCommand } = await import("../../core/kube/config/traffic.js");
    let startedDuringWork = 0;
    const result = await withTraffic(traffic, async () => {
      startedDuringWork = simulation.askedFor("Service.start").length;
      expect(simulation.askedFor("Service.stop")).toEqual([]);
      return "rolled out";
    });
    expect(result).toBe("rolled out");
    expect(startedDuringWork).toBe(1);
    const [service] = simulation.askedFor("Service.start").map((a) => a.on!);
    expect(service!.chain().find((n) => n.call.method === "from")!.call.args[0]).toBe("mirror.example.com/busybox:1.37.0");
    expect((service!.chain().find((n) => n.call.method === "asService")!.call.args[0] as { args: string[] }).args).toEqual(trafficCommand(traffic));
    expect(simulation.askedFor("Service.stop").map((a) => a.on)).toEqual([service]);
  });

  it("stops the load when the rollout throws, and starts none without traffic:", async () => {
    const { withTraffic } = await import("../../dagger/deploy.js");
    await expect(withTraffic(traffic, () => Promise.reject(new Error("kubectl died")))).rejects.toThrow("kubectl died");
    expect(simulation.askedFor("Service.stop")).toHaveLength(1);
    simulation.reset();
    expect(await withTraffic(undefined, async () => 1)).toBe(1);
    expect(simulation.askedFor("Service.start")).toEqual([]);
  });
});

describe("wiring: where the Go module is", () => {
  it("names the pipeline file's source key when it points at no directory, before any container", async () => {
    const source = repository("source: services/nope\n");
    await expect(gantry().build(source)).rejects.toThrow(
      'pipelines/gantry.yaml: source: "services/nope" is not a directory of the repository given as --source',
    );
    expect(simulation.containersCreated()).toBe(0);
  });
});

describe("wiring: scanning what is already on disk", () => {
  it("runs the pipeline's Trivy image over the directory and judges its report by the pipeline's gate", async () => {
    const trivyReport = JSON.stringify({
      SchemaVersion: 2,
      ArtifactName: "source",
      Results: [
        {
          Target: "go.mod",
          Class: "lang-pkgs",
          Vulnerabilities: [{ VulnerabilityID: "CVE-2099-0001", PkgName: "x", InstalledVersion: "1.0.0", FixedVersion: "1.0.1", Severity: "HIGH" }],
        },
      ],
    });
    simulation.reset((q) => {
      if (q.what === "Container.exitCode") return 5;
      if (q.what === "File.contents" && q.on?.call.method === "file" && String(q.on.call.args[0]).endsWith("trivy.json")) return trivyReport;
      return undefined;
    });
    const source = repository("source: services/api\nscan:\n  trivyImage: mirror.example/trivy:0.74.0\n  severities: [CRITICAL]\n");
    const report = await gantry().scanDirectory(simulation.hostDirectory(EXAMPLE), source);
    const trivy = simulation.askedFor("Container.exitCode")[0]!.on!;
    expect(trivy.calls("from").map((c) => c.args[0])).toEqual(["mirror.example/trivy:0.74.0"]);
    expect(trivy.lastExec()!.argv).toEqual(expect.arrayContaining(["fs", "--exit-code", "5"]));
    expect(report.passed).toBe(true); // HIGH is not gated: the file gates only CRITICAL
    expect(
      await gantry()
        .scanDirectory(simulation.hostDirectory(EXAMPLE), source, [Severity.HIGH])
        .then((r) => r.passed),
    ).toBe(false);
  });
});
