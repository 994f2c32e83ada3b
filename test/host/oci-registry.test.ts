// Gantry's OCI layout pushed and pulled for real: the core's crane argv with crane built from the
// pinned module, against Debian's docker-registry on a free loopback port.
import { readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { checkPushedDigest, planLayoutPush } from "../../core/image/oci/crane.js";
import type { OciImage } from "../../core/image/oci/image-layout.js";
import { DOCKER_LAYER_GZIP, DOCKER_MANIFEST, OCI_INDEX, OCI_LAYER_GZIP, OCI_MANIFEST } from "../../core/image/oci/media-types.js";
import { planImage, type ImagePlan, type ImagePlanOptions } from "../../core/image/plan.js";
import { dockerConfigJson, planPublish } from "../../core/image/publish.js";
import {
  assembleImage,
  buildHelloApi,
  CRANE,
  craneArgv,
  dockerConfigWith,
  emptyDockerConfig,
  mustRun,
  removeTempDirs,
  runCrane,
  tempDir,
} from "../support/oci.js";
import { startRegistry, type Registry } from "../support/registry.js";
import { runArgv } from "../support/run.js";

const PLATFORMS = ["linux/amd64", "linux/arm64"] as const;
const noLogin = emptyDockerConfig();
afterAll(removeTempDirs);

function plan(options: Partial<ImagePlanOptions>): ImagePlan {
  return planImage({
    name: "hello-api",
    base: "scratch",
    builtPlatforms: [...PLATFORMS],
    sourceDateEpoch: 1_700_000_000,
    labels: { version: "1.2.3" },
    ...options,
  });
}

const assemble = (p: ImagePlan, binaries: (platform: string, file: string) => string) => assembleImage(p, binaries, noLogin);

async function push(image: OciImage, layout: string, repository: string, tags: string[], dockerConfig = noLogin): Promise<string[]> {
  const pushPlan = planLayoutPush(planPublish({ repository, tags, platforms: [...PLATFORMS], hasPassword: false }), layout, image.digest);
  checkPushedDigest((await runCrane(pushPlan.push, dockerConfig)).stdout, image.digest);
  for (const tag of pushPlan.tags) await runCrane(tag, dockerConfig);
  return pushPlan.refs;
}

const crane = async (...args: string[]) => (await mustRun([CRANE, ...args], tmpdir(), { DOCKER_CONFIG: noLogin })).stdout;

describe("pushing and pulling Gantry's OCI layout with the real crane and registry", () => {
  let registry: Registry;
  let dist: string;
  let image: OciImage;
  let layout: string;
  let repository: string;
  const hello = (_: string, file: string) => join(dist, file);

  beforeAll(async () => {
    registry = await startRegistry();
    dist = await buildHelloApi([...PLATFORMS]);
    repository = `${registry.host}/acme/hello-api`;
    ({ image, layout } = await assemble(plan({}), hello));
  });
  afterAll(async () => registry?.stop());

  it("pushes the same digest twice and every tag names it", async () => {
    const refs = await push(image, layout, repository, ["1.2.3", "latest"]);
    expect(refs).toEqual([`${repository}:1.2.3@${image.digest}`, `${repository}:latest@${image.digest}`]);
    const again = await assemble(plan({}), hello);
    expect(again.layout).not.toBe(layout);
    await push(again.image, again.layout, repository, ["1.2.3"]);
    const digests = new Set([(await crane("digest", `${repository}:1.2.3`)).trim(), (await crane("digest", `${repository}:latest`)).trim()]);
    expect([...digests]).toEqual([image.digest]);
  });

  it("pushes with crane's --insecure (plain HTTP, as to a registry running as a Dagger service) to the same digest", async () => {
    const pushPlan = planLayoutPush(
      planPublish({ repository, tags: ["plain-http", "plain-http-2"], platforms: [...PLATFORMS], hasPassword: false }),
      layout,
      image.digest,
      { plainHttp: true },
    );
    expect(pushPlan.push.args[0]).toBe("--insecure");
    checkPushedDigest((await runCrane(pushPlan.push, noLogin)).stdout, image.digest);
    for (const tag of pushPlan.tags) await runCrane(tag, noLogin);
    expect((await crane("digest", `${repository}:plain-http-2`)).trim()).toBe(image.digest);
  });

  it("stores the index byte for byte, listing both platforms", async () => {
    const served = await crane("manifest", `${repository}:1.2.3`);
    expect(served).toBe(image.index.text);
    const index = JSON.parse(served);
    expect(index.mediaType).toBe(OCI_INDEX);
    expect(index.manifests.map((m: { platform: { os: string; architecture: string } }) => `${m.platform.os}/${m.platform.architecture}`)).toEqual([
      ...PLATFORMS,
    ]);
    expect(await crane("manifest", "--platform=linux/arm64", `${repository}:1.2.3`)).toBe(image.platforms[1]!.manifest.text);
    expect(JSON.parse(await crane("config", "--platform=linux/arm64", `${repository}:1.2.3`)).created).toBe("2023-11-14T22:13:20Z");
  });

  describe("on a base image pulled from the registry", () => {
    const baseTool = (platform: string) => {
      const file = join(tempDir("gantry-base-tool-"), "base-tool");
      writeFileSync(file, `#!/bin/sh\necho base tool for ${platform}\n`);
      return file;
    };
    let baseRef: string;
    let base: OciImage;

    beforeAll(async () => {
      // A synthetic two-platform base, made with Gantry's own layer writer and pushed as OCI.
      const basePlan = plan({ name: "base-tool", entrypoint: "/usr/local/bin/base-tool", sourceDateEpoch: 1_600_000_000 });
      const built = await assemble(basePlan, (platform) => baseTool(platform));
      base = built.image;
      await push(base, built.layout, `${registry.host}/base/static`, ["1"]);
      baseRef = `${registry.host}/base/static:1`;
    });

    it("puts the base's layers and diff_ids first, then Gantry's, and pushes the result", async () => {
      const { image: onBase, layout: onBaseLayout } = await assemble(plan({ base: baseRef }), hello);
      await push(onBase, onBaseLayout, repository, ["on-base"]);
      for (const [i, platform] of PLATFORMS.entries()) {
        const config = JSON.parse(await crane("config", `--platform=${platform}`, `${repository}:on-base`));
        const baseConfig = JSON.parse(base.platforms[i]!.config.text);
        const ours = onBase.platforms[i]!;
        expect(config.rootfs.diff_ids).toEqual([...baseConfig.rootfs.diff_ids, JSON.parse(ours.config.text).rootfs.diff_ids.at(-1)]);
        expect(config.rootfs.diff_ids).toHaveLength(2);
        expect(config.config.Entrypoint).toEqual(["/app/hello-api"]);
        expect(config.config.Labels["org.opencontainers.image.base.name"]).toBe(baseRef);
        const manifest = JSON.parse(await crane("manifest", `--platform=${platform}`, `${repository}:on-base`));
        expect(manifest.layers[0].digest).toBe(base.platforms[i]!.layers[0]!.digest);
      }
    });

    it("gives a filesystem with the base's files and Gantry's binary", async () => {
      const out = join(tempDir("gantry-export-"), "fs.tar");
      await crane("export", "--platform=linux/amd64", `${repository}:on-base`, out);
      const files = (await mustRun(["tar", "--list", "--file", out], tmpdir())).stdout.split("\n");
      expect(files).toEqual(expect.arrayContaining(["usr/local/bin/base-tool", "etc/passwd", "app/hello-api"]));
    });

    it("builds on a Docker v2 schema 2 base, renaming its layers' media type", async () => {
      // crane pushes a docker-style tarball with Docker media types: the other kind found in the wild.
      const tarball = join(tempDir("gantry-docker-base-"), "base.tar");
      await crane("pull", "--platform=linux/amd64", baseRef, tarball);
      await crane("push", tarball, `${registry.host}/base/docker:1`);
      const dockerManifest = JSON.parse(await crane("manifest", `${registry.host}/base/docker:1`));
      expect(dockerManifest.mediaType).toBe(DOCKER_MANIFEST);
      expect(dockerManifest.layers.map((l: { mediaType: string }) => l.mediaType)).toEqual([DOCKER_LAYER_GZIP]);

      const amd64 = planImage({ name: "hello-api", base: `${registry.host}/base/docker:1`, builtPlatforms: ["linux/amd64"], sourceDateEpoch: 1_700_000_000 });
      const { image: onDocker, layout: onDockerLayout } = await assemble(amd64, hello);
      const manifest = JSON.parse(onDocker.platforms[0]!.manifest.text);
      expect(manifest.mediaType).toBe(OCI_MANIFEST);
      expect(manifest.layers.map((l: { mediaType: string }) => l.mediaType)).toEqual([OCI_LAYER_GZIP, OCI_LAYER_GZIP]);
      expect(manifest.layers[0].digest).toBe(dockerManifest.layers[0].digest);
      const pushPlan = planLayoutPush(
        planPublish({ repository, tags: ["on-docker"], platforms: ["linux/amd64"], hasPassword: false }),
        onDockerLayout,
        onDocker.digest,
      );
      checkPushedDigest((await runCrane(pushPlan.push, noLogin)).stdout, onDocker.digest);
      expect((await crane("digest", `${repository}:on-docker`)).trim()).toBe(onDocker.digest);
    });
  });
});

describe("pushing to a registry that needs a login", () => {
  const login = { username: "gantry-bot", password: "s3cret-for-the-host-test" };
  let registry: Registry;
  let image: OciImage;
  let layout: string;

  beforeAll(async () => {
    registry = await startRegistry({ login });
    const dist = await buildHelloApi(["linux/amd64"]);
    const p = plan({ builtPlatforms: ["linux/amd64"] });
    ({ image, layout } = await assemble(p, (_, file) => join(dist, file)));
  });
  afterAll(async () => registry?.stop());

  it("logs in through the Docker config, never through argv", async () => {
    const publish = planPublish({
      repository: `${registry.host}/acme/hello-api`,
      tags: ["1.2.3"],
      platforms: ["linux/amd64"],
      registryUser: login.username,
      hasPassword: true,
    });
    const pushPlan = planLayoutPush(publish, layout, image.digest);
    expect(JSON.stringify(pushPlan)).not.toContain(login.password);
    expect(pushPlan.push.env.DOCKER_CONFIG).toBeDefined();

    const anonymous = await runArgv(craneArgv(pushPlan.push), { cwd: tmpdir(), env: { DOCKER_CONFIG: noLogin } });
    expect(anonymous.status).not.toBe(0);
    expect(anonymous.stderr).toMatch(/UNAUTHORIZED|401/);

    const config = await dockerConfigWith(dockerConfigJson(registry.host, login.username, login.password));
    checkPushedDigest((await runCrane(pushPlan.push, config)).stdout, image.digest);
    const digest = await mustRun([CRANE, "digest", `${registry.host}/acme/hello-api:1.2.3`], tmpdir(), { DOCKER_CONFIG: config });
    expect(digest.stdout.trim()).toBe(image.digest);
    expect(readFileSync(join(config, "config.json"), "utf8")).not.toContain(login.password);
  });
});
