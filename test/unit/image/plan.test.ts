import { describe, expect, it } from "vitest";
import { planImage, type ImagePlanOptions } from "../../../core/image/plan.js";
import { expectArgumentError } from "./argument-error.js";

const BUILT = ["linux/amd64", "linux/arm64", "linux/arm/v7", "darwin/arm64", "windows/amd64"];
const SHA = "sha256:" + "d".repeat(64);
const options = (extra: Partial<ImagePlanOptions> = {}): ImagePlanOptions => ({ name: "hello-api", builtPlatforms: BUILT, ...extra });

describe("planImage defaults", () => {
  it("runs the binary from /app as 65532 on distroless, exposing 8080, for every Linux platform built", () => {
    const plan = planImage(options());
    expect(plan).toMatchObject({
      name: "hello-api",
      base: { kind: "distroless", ref: "gcr.io/distroless/static-debian12:nonroot" },
      platforms: [
        { platform: "linux/amd64", binaryFile: "hello-api_linux_amd64" },
        { platform: "linux/arm64", binaryFile: "hello-api_linux_arm64" },
        { platform: "linux/arm/v7", binaryFile: "hello-api_linux_arm_v7" },
      ],
      binaryPath: "/app/hello-api",
      entrypoint: ["/app/hello-api"],
      defaultArgs: [],
      workdir: "/app",
      env: {},
      exposedPort: 8080,
      uid: 65532,
      user: "65532:65532",
      rootfs: { files: [], directories: [], fromBuilder: [] },
    });
    expect(plan.sourceDateEpoch).toBeUndefined();
  });

  it("labels the image with its title and base, and annotates it with the same keys", () => {
    const plan = planImage(options({ sourceDateEpoch: 1_715_000_000, labels: { version: "1.2.3", source: "https://github.com/acme/hello-api" } }));
    expect(plan.labels).toEqual({
      "org.opencontainers.image.base.name": "gcr.io/distroless/static-debian12:nonroot",
      "org.opencontainers.image.created": "2024-05-06T12:53:20Z",
      "org.opencontainers.image.source": "https://github.com/acme/hello-api",
      "org.opencontainers.image.title": "hello-api",
      "org.opencontainers.image.version": "1.2.3",
    });
    expect(plan.annotations).toEqual(plan.labels);
    expect(plan.sourceDateEpoch).toBe(1_715_000_000);
  });

  it("is reproducible: the same options give an identical plan", () => {
    const opts = options({ base: "scratch", env: { B: "2", A: "1" }, sourceDateEpoch: 1_700_000_000, tzdata: true });
    expect(JSON.stringify(planImage(opts))).toBe(JSON.stringify(planImage(structuredClone(opts))));
  });
});

describe("planImage options", () => {
  it("puts platforms in canonical order whatever order they were asked in, without duplicates", () => {
    const plan = planImage(options({ platforms: ["linux/arm/v7", "linux/amd64", "linux/arm/v7"] }));
    expect(plan.platforms.map((p) => p.binaryFile)).toEqual(["hello-api_linux_amd64", "hello-api_linux_arm_v7"]);
  });

  it("takes the entrypoint, workdir, args, env (sorted), port and uid", () => {
    const plan = planImage(
      options({ entrypoint: "/hello-api", args: ["serve", "--addr=:9090"], env: { LOG_LEVEL: "info", GOMAXPROCS: "2" }, port: 9090, user: 10001 }),
    );
    expect(plan).toMatchObject({
      binaryPath: "/hello-api",
      entrypoint: ["/hello-api"],
      workdir: "/",
      defaultArgs: ["serve", "--addr=:9090"],
      exposedPort: 9090,
      uid: 10001,
      user: "10001:10001",
    });
    expect(Object.keys(plan.env)).toEqual(["GOMAXPROCS", "LOG_LEVEL"]);
    expect(planImage(options({ workdir: "/data" })).workdir).toBe("/data");
  });

  it("records the digest of a pinned base", () => {
    const plan = planImage(options({ base: `cgr.dev/chainguard/static:latest@${SHA}` }));
    expect(plan.labels["org.opencontainers.image.base.name"]).toBe("cgr.dev/chainguard/static:latest");
    expect(plan.labels["org.opencontainers.image.base.digest"]).toBe(SHA);
  });

  it("lets the user's title win", () => {
    expect(planImage(options({ labels: { title: "Hello API" } })).labels["org.opencontainers.image.title"]).toBe("Hello API");
  });
});

describe("planImage rootfs", () => {
  it("gives scratch a passwd and group with the nonroot user, a home, /tmp and the CA bundle", () => {
    const plan = planImage(options({ base: "scratch" }));
    expect(plan.rootfs.files).toEqual([
      { path: "/etc/passwd", mode: 0o644, contents: "root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n" },
      { path: "/etc/group", mode: 0o644, contents: "root:x:0:\nnonroot:x:65532:\n" },
    ]);
    expect(plan.rootfs.directories).toEqual([
      { path: "/tmp", mode: 0o1777, owner: "0:0" },
      { path: "/home/nonroot", mode: 0o755, owner: "65532:65532" },
    ]);
    expect(plan.rootfs.fromBuilder).toEqual([{ path: "/etc/ssl/certs/ca-certificates.crt", directory: false }]);
    expect(plan.labels["org.opencontainers.image.base.name"]).toBeUndefined();
  });

  it("writes the chosen uid into passwd", () => {
    const plan = planImage(options({ base: "scratch", user: 10001 }));
    expect(plan.rootfs.files[0]?.contents).toContain("nonroot:x:10001:10001:nonroot:/home/nonroot:/sbin/nologin\n");
    expect(plan.rootfs.directories[1]?.owner).toBe("10001:10001");
  });

  it.each([
    ["scratch", ["/etc/ssl/certs/ca-certificates.crt", "/usr/share/zoneinfo"]],
    ["alpine", ["/usr/share/zoneinfo"]],
    ["distroless", []],
  ])("adds tzdata to %s only when the base lacks it", (base, fromBuilder) => {
    expect(planImage(options({ base, tzdata: true })).rootfs.fromBuilder.map((c) => c.path)).toEqual(fromBuilder);
  });
});

describe("planImage rejects bad input, naming the argument", () => {
  it.each<[string, Partial<ImagePlanOptions>, string, RegExp]>([
    ["root", { user: 0 }, "user", /never run as root/],
    ["negative uid", { user: -1 }, "user", /not a uid/],
    ["fractional uid", { user: 1.5 }, "user", /not a uid/],
    ["port 0", { port: 0 }, "port", /1 to 65535/],
    ["port too high", { port: 70000 }, "port", /1 to 65535/],
    ["fractional port", { port: 80.5 }, "port", /1 to 65535/],
    ["name with a space", { name: "hello api" }, "name", /cannot name a binary/],
    ["empty name", { name: "" }, "name", /cannot name a binary/],
    ["name with a slash", { name: "cmd/hello" }, "name", /cannot name a binary/],
    ["relative entrypoint", { entrypoint: "app/hello" }, "entrypoint", /clean absolute path/],
    ["entrypoint with ..", { entrypoint: "/app/../hello" }, "entrypoint", /clean absolute path/],
    ["entrypoint that is a directory", { entrypoint: "/app/" }, "entrypoint", /clean absolute path/],
    ["entrypoint /", { entrypoint: "/" }, "entrypoint", /"\/" is a directory/],
    ["relative workdir", { workdir: "data" }, "workdir", /clean absolute path/],
    ["platform not built", { platforms: ["linux/amd64", "linux/s390x"] }, "platforms", /^--platforms: linux\/s390x was not built/],
    ["non-Linux platform", { platforms: ["darwin/arm64"] }, "platforms", /not a Linux platform/],
    ["unknown Linux platform", { platforms: ["linux/mips"] }, "platforms", /"linux\/mips" is not supported; expected one of linux\/amd64/],
    ["nothing Linux built", { builtPlatforms: ["darwin/arm64"] }, "platforms", /no Linux platform.*darwin\/arm64/],
    ["env name starting with a digit", { env: { "1X": "y" } }, "env", /not a variable name/],
    ["env name with a dash", { env: { "LOG-LEVEL": "y" } }, "env", /not a variable name/],
    ["env value with a newline", { env: { X: "a\nb" } }, "env", /control character/],
    ["commit time not a number", { sourceDateEpoch: Number.NaN }, "sourceDateEpoch", /whole Unix seconds/],
    ["unknown base", { base: "busybox latest" }, "base", /unknown base/],
    ["bad user label", { labels: { labels: { " ": "x" } } }, "labels", /no whitespace/],
  ])("%s", (_, extra, argument, problem) => {
    expectArgumentError(() => planImage(options(extra)), argument, problem);
  });
});
