// Wiring of Gantry.image, tarball and sbom (src/dagger/image.ts, sbom.ts, tool.ts) against the Dagger
// SIMULATION: how the plan becomes a container, and that each image carries the binary built for it.
import type { Container } from "@dagger.io/dagger";
import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@dagger.io/dagger", () => import("../support/dagger-simulation.js"));

import { planSbom } from "../../src/core/image/sbom.js";
import { fileEntry, simulation, tree, type SimNode } from "../support/dagger-simulation.js";
import { gantry, producer } from "./gantry.js";

const COMMIT = "0123456789abcdef0123456789abcdef01234567";
const EPOCH = 1_700_000_000; // 2023-11-14T22:13:20Z
const RELEASE = { version: "1.2.3", commit: COMMIT, sourceDateEpoch: EPOCH, sourceUrl: "https://github.com/acme/hello-api", labels: ["com.acme.team=platform"] };

beforeEach(() => simulation.reset());

/** Key/value pairs given with `method` (withLabel, withAnnotation) along a container's chain. */
function pairs(ctr: SimNode, method: string): Record<string, unknown> {
  return Object.fromEntries(ctr.calls(method).map((c) => [c.args[0], c.args[1]]));
}

/** The one directory layered onto "/" of the runtime image. */
function layerOf(image: SimNode): SimNode {
  const [layer, ...more] = image.calls("withDirectory").filter((c) => c.args[0] === "/");
  expect(more).toEqual([]);
  return simulation.node(layer!.args[1]);
}

/** The container that built the binary an image's layer holds at app/<name>. */
function binaryBuilder(image: SimNode, name = "hello-api"): SimNode {
  const entry = tree(layerOf(image))!.get(`app/${name}`);
  if (!entry || !("file" in entry)) throw new Error("no binary in the layer");
  const fromDist = fileEntry(entry.file); // dist.file(<binary file>) -> what the build put there
  if (!fromDist || !("file" in fromDist)) throw new Error(`the layer's binary ${entry.file.describe(0)} is not in the build output`);
  return producer(fromDist.file);
}

describe("image: the runtime container, as the plan shapes it", () => {
  it("starts from the plan's base for the requested platform", async () => {
    const image = simulation.node(await gantry(RELEASE).image("linux/arm64"));
    expect(image.chain()[0]!.call).toEqual({ method: "container", args: [{ platform: "linux/arm64" }] });
    expect(image.calls("from").map((c) => c.args[0])).toEqual(["gcr.io/distroless/static-debian12:nonroot"]);
  });

  it("runs as 65532:65532 from /app/hello-api, exposing 8080", async () => {
    const image = simulation.node(await gantry(RELEASE).image("linux/arm64"));
    const last = (method: string) => image.calls(method).at(-1)?.args;
    expect(last("withUser")).toEqual(["65532:65532"]);
    expect(last("withWorkdir")).toEqual(["/app"]);
    expect(last("withEntrypoint")).toEqual([["/app/hello-api"]]);
    expect(last("withDefaultArgs")).toEqual([[]]);
    expect(image.calls("withExposedPort").map((c) => c.args)).toEqual([[8080]]);
  });

  it("carries the OCI labels, created from --source-date-epoch (not the clock), and the same keys as annotations", async () => {
    const image = simulation.node(await gantry(RELEASE).image("linux/arm64"));
    const labels = pairs(image, "withLabel");
    expect(labels).toMatchObject({
      "org.opencontainers.image.created": "2023-11-14T22:13:20Z",
      "org.opencontainers.image.revision": COMMIT,
      "org.opencontainers.image.version": "1.2.3",
      "org.opencontainers.image.source": "https://github.com/acme/hello-api",
      "org.opencontainers.image.title": "hello-api",
      "org.opencontainers.image.base.name": "gcr.io/distroless/static-debian12:nonroot",
      "com.acme.team": "platform",
    });
    expect(pairs(image, "withAnnotation")).toEqual(labels);
  });

  it("adds one layer: the binary at /app/hello-api, mode 0755, every timestamp set to the commit time", async () => {
    const layer = layerOf(simulation.node(await gantry(RELEASE).image("linux/arm64")));
    expect([...tree(layer)!.keys()]).toEqual(["app/hello-api"]);
    expect(layer.calls("withFile").map((c) => [c.args[0], c.args[2]])).toEqual([["app/hello-api", { permissions: 0o755 }]]);
    // Last, so that it covers every file the layer holds.
    expect(layer.call).toEqual({ method: "withTimestamps", args: [EPOCH] });
  });

  it("the image of each platform holds the binary built for that platform", async () => {
    simulation.reset();
    const tarball = simulation.node(await gantry(RELEASE).tarball(["linux/amd64", "linux/arm64", "linux/arm/v7"]));
    const variants = (tarball.call.args[0] as { platformVariants: Container[] }).platformVariants.map((v) => simulation.node(v));
    const built = variants.map((v) => {
      const env = binaryBuilder(v).envVariables();
      return [(v.chain()[0]!.call.args[0] as { platform: string }).platform, `${env.GOOS}/${env.GOARCH}${env.GOARM ? `/v${env.GOARM}` : ""}`];
    });
    expect(built).toEqual([
      ["linux/amd64", "linux/amd64"],
      ["linux/arm64", "linux/arm64"],
      ["linux/arm/v7", "linux/arm/v7"],
    ]);
  });

  it("without --platform, is the engine's platform", async () => {
    simulation.reset((q) => (q.what === "dag.defaultPlatform" ? "linux/arm64" : undefined));
    const image = simulation.node(await gantry(RELEASE).image());
    expect(image.chain()[0]!.call.args).toEqual([{ platform: "linux/arm64" }]);
    expect(binaryBuilder(image).envVariables()).toMatchObject({ GOOS: "linux", GOARCH: "arm64" });
  });

  it("on scratch: no base image; passwd, group and the CA bundle (from the Go image) in the layer; /tmp and the home owned and dated", async () => {
    const image = simulation.node(await gantry({ ...RELEASE, base: "scratch" }).image("linux/amd64"));
    expect(image.calls("from")).toEqual([]);
    const files = tree(layerOf(image))!;
    expect([...files.keys()].sort()).toEqual(["app/hello-api", "etc/group", "etc/passwd", "etc/ssl/certs/ca-certificates.crt"]);
    expect(files.get("etc/passwd")).toEqual({ text: expect.stringContaining("nonroot:x:65532:65532:") });
    const ca = files.get("etc/ssl/certs/ca-certificates.crt") as { file: SimNode };
    expect(ca.file.call.args).toEqual(["/etc/ssl/certs/ca-certificates.crt"]);
    expect(ca.file.parent!.calls("from").map((c) => c.args[0])).toEqual(["golang:1.26"]);
    const dirs = image.calls("withDirectory").filter((c) => c.args[0] !== "/");
    expect(dirs.map((c) => [c.args[0], c.args[2]])).toEqual([
      ["/tmp", { owner: "0:0", permissions: 0o1777 }],
      ["/home/nonroot", { owner: "65532:65532", permissions: 0o755 }],
    ]);
    for (const d of dirs) expect(simulation.node(d.args[1]).describe(0)).toBe(`dag.directory().withTimestamps(${EPOCH})`);
  });
});

describe("tarball and sbom", () => {
  it("tarball is one multi-platform archive, one variant per platform in the plan's fixed order (not the order listed)", async () => {
    const tarball = simulation.node(await gantry(RELEASE).tarball(["linux/arm64", "linux/amd64"]));
    expect(tarball.describe(0)).toBe("dag.container().asTarball({platformVariants: [<Container> <Container>]})");
    const variants = (tarball.call.args[0] as { platformVariants: Container[] }).platformVariants;
    expect(variants.map((v) => simulation.node(v).chain()[0]!.call.args[0])).toEqual([{ platform: "linux/amd64" }, { platform: "linux/arm64" }]);
  });

  it("tarball defaults to linux/amd64 and linux/arm64", async () => {
    const tarball = simulation.node(await gantry(RELEASE).tarball());
    const variants = (tarball.call.args[0] as { platformVariants: Container[] }).platformVariants;
    expect(variants.map((v) => simulation.node(v).chain()[0]!.call.args[0])).toEqual([{ platform: "linux/amd64" }, { platform: "linux/arm64" }]);
  });

  it("sbom runs syft's plan through the image's entrypoint on the platform's image tarball", async () => {
    const sbom = simulation.node(await gantry(RELEASE).sbom("cyclonedx-json", "linux/arm64"));
    const run = planSbom({ tarball: "/work/image.tar", format: "cyclonedx-json", sourceName: undefined });
    const syft = producer(sbom);
    expect(sbom.call.args).toEqual([run.output]);
    expect(syft.calls("from").map((c) => c.args[0])).toEqual([run.image]);
    expect(syft.envVariables()).toEqual(run.env);
    expect(syft.execs()).toEqual([{ argv: run.args, options: { useEntrypoint: true } }]);
    const [mount] = syft.calls("withMountedFile");
    expect(mount!.args[0]).toBe("/work/image.tar");
    const tarball = simulation.node(mount!.args[1]);
    expect(tarball.call.method).toBe("asTarball");
    expect(tarball.parent!.chain()[0]!.call.args).toEqual([{ platform: "linux/arm64" }]);
  });
});
