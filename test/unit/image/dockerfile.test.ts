import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { renderDockerfile, type DockerfileBuild } from "../../../core/image/dockerfile.js";
import { planImage, type ImagePlanOptions } from "../../../core/image/plan.js";
import { expectArgumentError } from "./argument-error.js";

const BUILD: DockerfileBuild = {
  goImage: "golang:1.24-bookworm",
  mainPackage: "./cmd/hello-api",
  ldflags: "-s -w -X main.version=1.2.3",
  tags: ["netgo", "osusergo"],
  binaryName: "hello-api",
};

function render(extra: Partial<ImagePlanOptions> = {}, build: Partial<DockerfileBuild> = {}): string[] {
  const plan = planImage({
    name: "hello-api",
    builtPlatforms: ["linux/amd64", "linux/arm64", "linux/arm/v7"],
    platforms: ["linux/amd64", "linux/arm64"],
    ...extra,
  });
  return renderDockerfile(plan, { ...BUILD, ...build }).split("\n");
}

/** What /bin/sh makes of a command line: each argument on its own line. */
function shellWords(words: string): string[] {
  return execFileSync("sh", ["-c", `printf '%s\\n' ${words}`], { encoding: "utf8" })
    .split("\n")
    .slice(0, -1);
}

describe("renderDockerfile builder stage", () => {
  const lines = render();

  it("cross-compiles on the build platform with a static, trimmed build", () => {
    expect(lines[0]).toBe("# syntax=docker/dockerfile:1");
    expect(lines).toContain("FROM --platform=$BUILDPLATFORM golang:1.24-bookworm AS build");
    expect(lines).toContain("    CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH \\");
    expect(lines).toContain(
      "    go build -trimpath -buildvcs=false -tags netgo,osusergo -ldflags '-s -w -X main.version=1.2.3' -o /out/hello-api ./cmd/hello-api",
    );
    expect(lines).toEqual(expect.arrayContaining(["ARG TARGETOS", "ARG TARGETARCH"]));
    expect(lines.join("\n")).not.toContain("GOARM");
  });

  it("downloads modules in a layer fed only go.mod and go.sum, before the source is copied", () => {
    const modFiles = lines.indexOf("COPY go.mod go.sum* ./");
    const download = lines.indexOf("RUN --mount=type=cache,target=/go/pkg/mod go mod download");
    const source = lines.indexOf("COPY . .");
    expect(modFiles).toBeGreaterThan(0);
    expect(download).toBe(modFiles + 1);
    expect(source).toBe(download + 1);
  });

  it("mounts the module and build caches for the build", () => {
    expect(lines).toContain("RUN --mount=type=cache,target=/go/pkg/mod \\");
    expect(lines).toContain("    --mount=type=cache,target=/root/.cache/go-build \\");
  });

  it("sets GOARM from the platform variant when linux/arm/v7 is built", () => {
    const arm = render({ platforms: ["linux/arm/v7"] });
    expect(arm).toContain("ARG TARGETVARIANT");
    expect(arm).toContain("    CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH GOARM=${TARGETVARIANT#v} \\");
  });

  it("leaves out empty -tags and -ldflags", () => {
    expect(render({}, { tags: [], ldflags: "" })).toContain("    go build -trimpath -buildvcs=false -o /out/hello-api ./cmd/hello-api");
  });

  it("quotes ldflags so the shell passes them through unchanged", () => {
    const ldflags = `-s -w -X 'main.greeting=it's $HOME' -X main.version=1.2.3`;
    const build = render({}, { ldflags }).find((l) => l.includes("go build"))!;
    const quoted = build.slice(build.indexOf("-ldflags ") + "-ldflags ".length, build.indexOf(" -o /out/"));
    expect(shellWords(quoted)).toEqual([ldflags]);
  });

  it("names the platforms and commit time in the build command it documents", () => {
    expect(render({ sourceDateEpoch: 1_715_000_000 })[2]).toBe(
      "#   docker buildx build --platform linux/amd64,linux/arm64 --build-arg SOURCE_DATE_EPOCH=1715000000 .",
    );
  });
});

describe("renderDockerfile runtime stage", () => {
  it("distroless: the binary, its labels, the port, the nonroot user and an exec-form entrypoint", () => {
    const lines = render({ sourceDateEpoch: 1_715_000_000, args: ["serve", "--verbose"], env: { LOG_LEVEL: "info" } });
    const runtime = lines.slice(lines.indexOf("FROM gcr.io/distroless/static-debian12:nonroot"));
    expect(runtime).toEqual([
      "FROM gcr.io/distroless/static-debian12:nonroot",
      "COPY --from=build /out/hello-api /app/hello-api",
      "WORKDIR /app",
      `ENV LOG_LEVEL="info"`,
      `LABEL org.opencontainers.image.base.name="gcr.io/distroless/static-debian12:nonroot"`,
      `LABEL org.opencontainers.image.created="2024-05-06T12:53:20Z"`,
      `LABEL org.opencontainers.image.title="hello-api"`,
      "EXPOSE 8080",
      "USER 65532:65532",
      `ENTRYPOINT ["/app/hello-api"]`,
      `CMD ["serve","--verbose"]`,
      "",
    ]);
    expect(lines.join("\n")).not.toContain("/rootfs");
  });

  it("scratch: CA certs and the passwd the builder wrote are copied in", () => {
    const lines = render({ base: "scratch" });
    expect(lines).toContain("FROM scratch");
    expect(lines).toContain("COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt");
    expect(lines).toContain("COPY --from=build /rootfs/ /");
    expect(lines).toContain("USER 65532:65532");
    expect(lines.join("\n")).not.toContain("zoneinfo");
    const prepare = lines.join("\n").split("\n\n")[1]!;
    expect(prepare).toContain("mkdir -p /rootfs/etc /rootfs/tmp /rootfs/home/nonroot");
    expect(prepare).toContain("chmod 1777 /rootfs/tmp");
    expect(prepare).toContain("chown 65532:65532 /rootfs/home/nonroot");
  });

  it("scratch: the printf lines write exactly the plan's passwd and group", () => {
    const plan = planImage({ name: "hello-api", builtPlatforms: ["linux/amd64"], base: "scratch", user: 10001 });
    const text = renderDockerfile(plan, BUILD);
    for (const file of plan.rootfs.files) {
      const command = new RegExp(`printf '%s\\\\n' (.*) > /rootfs${file.path}`).exec(text)?.[1];
      expect(command, file.path).toBeDefined();
      expect(shellWords(command!).join("\n") + "\n").toBe(file.contents);
    }
  });

  it("alpine with tzdata: zoneinfo comes from the builder, no passwd is written", () => {
    const lines = render({ base: "alpine", tzdata: true });
    expect(lines).toContain("FROM docker.io/library/alpine:3.22");
    expect(lines).toContain("COPY --from=build /usr/share/zoneinfo /usr/share/zoneinfo");
    expect(lines.join("\n")).not.toContain("/rootfs");
    expect(lines.join("\n")).not.toContain("ca-certificates.crt");
  });

  it("escapes quotes, backslashes and $ in ENV and LABEL values, and quotes odd label keys", () => {
    const lines = render({ env: { GREETING: `say "hi" to $USER\\` }, labels: { labels: { "com.acme/team=x": "pay$" } } });
    expect(lines).toContain(`ENV GREETING="say \\"hi\\" to \\$USER\\\\"`);
    expect(lines).toContain(`LABEL "com.acme/team=x"="pay\\$"`);
  });

  it("uses the plan's port, uid, entrypoint and workdir", () => {
    const lines = render({ port: 9090, user: 10001, entrypoint: "/hello-api" });
    expect(lines).toEqual(
      expect.arrayContaining(["EXPOSE 9090", "USER 10001:10001", `ENTRYPOINT ["/hello-api"]`, "WORKDIR /", "COPY --from=build /out/hello-api /hello-api"]),
    );
  });

  it("is the same text for the same plan", () => {
    expect(render({ base: "scratch", sourceDateEpoch: 1 })).toEqual(render({ base: "scratch", sourceDateEpoch: 1 }));
  });
});

describe("renderDockerfile rejects a bad build, naming the argument", () => {
  it.each<[string, Partial<DockerfileBuild>, string, RegExp]>([
    ["go image", { goImage: "golang 1.24" }, "goImage", /not a valid image reference/],
    ["main package with a space", { mainPackage: "./cmd/hello api" }, "mainPackage", /not a Go package path/],
    ["empty main package", { mainPackage: "" }, "mainPackage", /not a Go package path/],
    ["ldflags with a newline", { ldflags: "-s\n-w" }, "ldflags", /control character/],
    ["build tag with a comma", { tags: ["netgo,osusergo"] }, "buildTags", /not a Go build tag/],
    ["binary name with a slash", { binaryName: "bin/hello" }, "binaryName", /cannot name a binary/],
  ])("%s", (_, build, argument, problem) => {
    expectArgumentError(() => render({}, build), argument, problem);
  });
});
