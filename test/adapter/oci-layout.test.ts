// Wiring of dagger/oci-layout.ts against the Dagger SIMULATION: which containers run the core's
// layer argv and crane argv, what the layout directory holds, and how the login reaches crane.
// The tools themselves run for real in test/host/oci-*.test.ts.
import type { Container, Directory } from "@dagger.io/dagger";
import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@dagger.io/dagger", () => import("../support/dagger-simulation.js"));

import { sha256Digest } from "../../core/image/oci/blob.js";
import { CRANE_IMAGE } from "../../core/image/oci/crane.js";
import { planLayer } from "../../core/image/oci/layer.js";
import { DOCKER_CONFIG, DOCKER_LAYER_GZIP, DOCKER_MANIFEST } from "../../core/image/oci/media-types.js";
import { planImage } from "../../core/image/plan.js";
import { planPublish } from "../../core/image/publish.js";
import { ociLayout, pushLayout } from "../../dagger/oci-layout.js";
import { toolAccess } from "../../core/tool-access.js";
import { dag, ExecError, fileContents, simulation, tree, type Query, type SimNode } from "../support/dagger-simulation.js";

const BUILDER = "golang:1.26";
const hex = (c: string) => c.repeat(64);
/** The Go build's output, standing in for the real binaries. */
const binaries = () =>
  (dag.directory() as unknown as Directory).withNewFile("hello-api_linux_amd64", "amd64 binary").withNewFile("hello-api_linux_arm64", "arm64 binary");

/** Answers the layer step's sha256sum and stat; each platform's blob digest follows its binary. */
function layerAnswers(q: Query): unknown {
  const exec = q.on?.lastExec()?.argv ?? [];
  if (q.what !== "Container.stdout") return undefined;
  if (exec[0] === "sha256sum") {
    const binary = fileContents(simulation.node(q.on!.calls("withMountedFile")[0]!.args[1]))!;
    return `${hex("b")}  out/layer.tar\n${sha256Digest(binary).slice(7)}  out/layer.tar.gz\n`;
  }
  if (exec[0] === "stat") return "4096\n";
  return undefined;
}

const plan = (base: string) => planImage({ name: "hello-api", base, builtPlatforms: ["linux/amd64", "linux/arm64"], sourceDateEpoch: 1_700_000_000 });

describe("ociLayout on scratch", () => {
  beforeEach(() => simulation.reset(layerAnswers));

  it("runs the core's layer argv in the builder image, on the platform's binary and the rootfs files", async () => {
    const p = plan("scratch");
    await ociLayout({ plan: p, binaries: binaries(), builderImage: BUILDER });
    const measured = simulation.askedFor("Container.stdout").filter((a) => a.on!.lastExec()!.argv[0] === "sha256sum");
    expect(measured).toHaveLength(2);
    const layer = planLayer(p);
    for (const [i, { on }] of measured.entries()) {
      expect(on!.calls("from").map((c) => c.args[0])).toEqual([BUILDER]);
      expect(on!.execs().map((e) => e.argv)).toEqual([...layer.steps, layer.digestArgv]);
      const [mount] = on!.calls("withMountedFile");
      expect(mount!.args[0]).toBe(`/gantry/layer/${layer.binaryInput}`);
      expect(simulation.node(mount!.args[1]).call.args).toEqual([p.platforms[i]!.binaryFile]);
      expect(on!.calls("withNewFile").map((c) => c.args[0])).toEqual(layer.inputs.map((input) => `/gantry/layer/${input.path}`));
    }
  });

  it("returns a layout holding the core's documents and each platform's layer blob", async () => {
    const layout = await ociLayout({ plan: plan("scratch"), binaries: binaries(), builderImage: BUILDER });
    const files = tree(simulation.node(layout.directory))!;
    for (const file of layout.image.files) expect(files.get(file.path)).toEqual({ text: file.text });
    for (const blob of layout.image.layerBlobs) {
      const entry = files.get(blob.path) as { file: SimNode };
      expect(entry.file.call).toEqual({ method: "file", args: ["/gantry/layer/out/layer.tar.gz"] });
    }
    expect(layout.digest).toBe(layout.image.digest);
  });

  it("runs the layer step on the engine's own platform: the archive does not depend on it", async () => {
    await ociLayout({ plan: plan("scratch"), binaries: binaries(), builderImage: BUILDER });
    expect(simulation.dagCalls.filter((c) => c.method === "container").map((c) => c.args)).toEqual([[], []]);
  });
});

describe("ociLayout on a base", () => {
  const ref = "registry.example.com/base/static:1";
  const configs = Object.fromEntries(
    (["amd64", "arm64"] as const).map((arch) => [
      arch,
      JSON.stringify({ architecture: arch, os: "linux", config: {}, rootfs: { type: "layers", diff_ids: [`sha256:${hex("1")}`] } }),
    ]),
  );
  const manifests = Object.fromEntries(
    Object.entries(configs).map(([arch, config]) => [
      arch,
      JSON.stringify({
        schemaVersion: 2,
        mediaType: DOCKER_MANIFEST,
        config: { mediaType: DOCKER_CONFIG, digest: sha256Digest(config), size: config.length },
        layers: [{ mediaType: DOCKER_LAYER_GZIP, digest: `sha256:${hex(arch === "amd64" ? "3" : "4")}`, size: 10 }],
      }),
    ]),
  );
  /** A registry that names each platform's manifest, and pulled layouts that hold it. */
  const registry = (q: Query): unknown => {
    // The crane exec whose output is asked for: the digest query itself, or the pull that made the layout read.
    const crane = q.on?.lastExec()?.argv ?? [];
    const arch = crane.find((a) => a.startsWith("--platform="))?.split("/")[1];
    if (q.what === "Container.stdout" && crane[0] === "digest") return `${sha256Digest(manifests[arch!]!)}\n`;
    if (q.what === "File.contents" && crane[0] === "pull") {
      const manifest = manifests[arch!]!;
      const path = String(q.on!.call.args[0]);
      if (path === "index.json") return JSON.stringify({ schemaVersion: 2, manifests: [{ digest: sha256Digest(manifest) }] });
      return path === `blobs/sha256/${sha256Digest(manifest).slice(7)}` ? manifest : configs[arch!];
    }
    return layerAnswers(q);
  };
  beforeEach(() => simulation.reset(registry));

  it("asks the registry for each platform's digest every time, then pulls by that digest", async () => {
    await ociLayout({ plan: plan(ref), binaries: binaries(), builderImage: BUILDER });
    const asks = simulation.askedFor("Container.stdout").filter((a) => a.on!.lastExec()!.argv[0] === "digest");
    expect(asks.map((a) => a.on!.lastExec()!.argv)).toEqual([
      ["digest", "--platform=linux/amd64", ref],
      ["digest", "--platform=linux/arm64", ref],
    ]);
    for (const a of asks) {
      expect(a.on!.calls("from").map((c) => c.args[0])).toEqual([CRANE_IMAGE]);
      expect(a.on!.envVariables().GANTRY_REGISTRY_CALL).toMatch(/^[0-9a-f-]{36}$/);
    }
    const pulls = simulation.askedFor("File.contents").filter((a) => a.on!.call.args[0] === "index.json");
    expect(pulls.map((a) => a.on!.parent!.parent!.call.args[0])).toEqual([
      ["pull", "--format=oci", "--platform=linux/amd64", `registry.example.com/base/static@${sha256Digest(manifests.amd64!)}`, "/gantry/base"],
      ["pull", "--format=oci", "--platform=linux/arm64", `registry.example.com/base/static@${sha256Digest(manifests.arm64!)}`, "/gantry/base"],
    ]);
  });

  it("runs crane as its image's user, pulling into a directory that user owns (no root step)", async () => {
    await ociLayout({ plan: plan(ref), binaries: binaries(), builderImage: BUILDER });
    const crane = toolAccess("crane");
    const pulls = simulation
      .askedFor("File.contents")
      .filter((a) => a.on!.call.args[0] === "index.json")
      .map((a) => a.on!.parent!.parent!);
    const digests = simulation
      .askedFor("Container.stdout")
      .filter((a) => a.on!.lastExec()!.argv[0] === "digest")
      .map((a) => a.on!);
    for (const run of [...pulls, ...digests]) expect(run.calls("withUser").map((c) => c.args[0])).toEqual([crane.user]);
    for (const pull of pulls) {
      const output = pull.calls("withDirectory");
      expect(output.map((c) => [c.args[0], c.args[2]])).toEqual([["/gantry/base", { owner: "65532:65532", permissions: 0o755 }]]);
      expect(simulation.node(output[0]!.args[1]).call).toEqual({ method: "directory", args: [] });
    }
  });

  it("writes every file of the layout 0644, the base's blobs too (crane pulls them 0600)", async () => {
    const layout = await ociLayout({ plan: plan(ref), binaries: binaries(), builderImage: BUILDER });
    const writes = simulation
      .node(layout.directory)
      .calls()
      .filter((c) => c.method === "withFile" || c.method === "withNewFile");
    expect(writes).toHaveLength(layout.image.files.length + layout.image.layerBlobs.length);
    for (const w of writes) expect(w.args[2]).toEqual({ permissions: 0o644 });
  });

  it("copies the base's layer blobs from the pulled layouts", async () => {
    const layout = await ociLayout({ plan: plan(ref), binaries: binaries(), builderImage: BUILDER });
    const files = tree(simulation.node(layout.directory))!;
    const baseBlobs = layout.image.layerBlobs.filter((b) => b.from === "base");
    expect(baseBlobs.map((b) => b.digest)).toEqual([`sha256:${hex("3")}`, `sha256:${hex("4")}`]);
    for (const blob of baseBlobs) {
      const source = (files.get(blob.path) as { file: SimNode }).file;
      expect(source.call.args).toEqual([blob.path]);
      expect(source.parent!.call).toEqual({ method: "directory", args: ["/gantry/base"] });
    }
  });
});

describe("pushLayout", () => {
  const publish = planPublish({
    repository: "ghcr.io/acme/hello-api",
    tags: ["1.2.3", "latest"],
    platforms: ["linux/amd64"],
    registryUser: "bot",
    hasPassword: true,
  });
  let layout: Awaited<ReturnType<typeof ociLayout>>;
  const pushAnswer = (digest: () => string) => (q: Query) => {
    const exec = q.on?.lastExec()?.argv ?? [];
    if (q.what === "Container.stdout" && exec[0] === "push") return `ghcr.io/acme/hello-api@${digest()}\n`;
    if (q.what === "Container.stdout" && exec[0] === "tag") return "";
    return layerAnswers(q);
  };

  beforeEach(async () => {
    simulation.reset(layerAnswers);
    layout = await ociLayout({
      plan: planImage({ name: "hello-api", base: "scratch", builtPlatforms: ["linux/amd64"] }),
      binaries: binaries(),
      builderImage: BUILDER,
    });
  });

  it("pushes the layout to the first tag, tags the rest by digest, and logs in through a mounted Docker config", async () => {
    simulation.reset(pushAnswer(() => layout.digest));
    const refs = await pushLayout(layout, publish, { password: simulation.secret("token", "s3cret") });
    expect(refs).toEqual([`ghcr.io/acme/hello-api:1.2.3@${layout.digest}`, `ghcr.io/acme/hello-api:latest@${layout.digest}`]);
    const runs = simulation.askedFor("Container.stdout").map((a) => a.on!);
    expect(runs.map((r) => r.lastExec()!.argv)).toEqual([
      ["push", "/gantry/layout", "ghcr.io/acme/hello-api:1.2.3"],
      ["tag", `ghcr.io/acme/hello-api@${layout.digest}`, "latest"],
    ]);
    for (const run of runs) {
      expect(run.lastExec()!.options).toEqual({ useEntrypoint: true });
      expect(run.envVariables().DOCKER_CONFIG).toBe("/gantry/docker");
      expect(run.envVariables().GANTRY_REGISTRY_CALL).toBeDefined();
      const [secret] = run.calls("withMountedSecret");
      expect(secret!.args[0]).toBe("/gantry/docker/config.json");
      const config = JSON.parse(String(simulation.node(secret!.args[1]).call.args[1]));
      expect(Buffer.from(config.auths["ghcr.io"].auth, "base64").toString()).toBe("bot:s3cret");
      expect(JSON.stringify(run.execs())).not.toContain("s3cret");
      expect(simulation.node(run.calls("withMountedDirectory")[0]!.args[1])).toBe(simulation.node(layout.directory));
      // The rule of core/tool-access.ts: crane runs as 65532 and owns the layout and its 0400 login.
      expect(run.calls("withUser").map((c) => c.args[0])).toEqual(["65532:65532"]);
      expect(run.calls("withMountedDirectory")[0]!.args[2]).toEqual({ owner: "65532:65532" });
      expect(secret!.args[2]).toEqual({ owner: "65532:65532", mode: 0o400 });
    }
  });

  it("fails naming crane push and carrying crane's stderr, not the engine's bare exit code", async () => {
    simulation.reset((q) => {
      const exec = q.on?.lastExec()?.argv ?? [];
      if (q.what === "Container.stdout" && exec[0] === "push") {
        throw new ExecError('process "/ko-app/crane push" did not complete successfully: exit code: 1', {
          cmd: ["/ko-app/crane", ...exec],
          exitCode: 1,
          stdout: "",
          stderr: "2026/12/07 09:12:01 loading config file: open /gantry/docker/config.json: permission denied\nError: pushing: permission denied\n",
        });
      }
      return layerAnswers(q);
    });
    const pushed = pushLayout(layout, publish, { password: simulation.secret("token", "s3cret") });
    await expect(pushed).rejects.toThrow(
      "crane push: `/ko-app/crane push /gantry/layout ghcr.io/acme/hello-api:1.2.3` exited with code 1:\n" +
        "2026/12/07 09:12:01 loading config file: open /gantry/docker/config.json: permission denied\nError: pushing: permission denied",
    );
  });

  it("pushes to a registry given as a service over plain HTTP, the service bound under the repository's host", async () => {
    const local = planPublish({ repository: "gantry-registry:5000/hello-api", tags: ["1.2.3", "latest"], platforms: ["linux/amd64"], hasPassword: false });
    simulation.reset((q) => {
      const exec = q.on?.lastExec()?.argv ?? [];
      if (q.what === "Container.stdout" && exec[1] === "push") return `gantry-registry:5000/hello-api@${layout.digest}\n`;
      if (q.what === "Container.stdout" && exec[1] === "tag") return "";
      return layerAnswers(q);
    });
    const registry = (dag.container() as unknown as Container).from("registry:3.0.0").asService();
    await pushLayout(layout, local, { registry });
    const runs = simulation.askedFor("Container.stdout").map((a) => a.on!);
    expect(runs.map((r) => r.lastExec()!.argv.slice(0, 2))).toEqual([
      ["--insecure", "push"],
      ["--insecure", "tag"],
    ]);
    for (const run of runs) {
      const bindings = run.calls("withServiceBinding");
      expect(bindings.map((b) => b.args[0])).toEqual(["gantry-registry"]);
      expect(simulation.node(bindings[0]!.args[1])).toBe(simulation.node(registry));
    }
  });

  it("fails when crane reports another digest than the one Gantry computed", async () => {
    simulation.reset(pushAnswer(() => `sha256:${hex("0")}`));
    await expect(pushLayout(layout, publish, { password: simulation.secret("token", "s3cret") })).rejects.toThrow(/Gantry assembled is/);
  });
});
