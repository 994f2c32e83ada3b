// Issue 17: on a real engine, publish failed on every non-scratch base with `open
// /gantry/layout/blobs/sha256/<base layer>: permission denied`, and every login with `loading config
// file: open /gantry/docker/config.json: permission denied`: crane's image runs as 65532, and the
// files it read were root's. Here crane runs as the uid its image declares (core/tool-access.ts), on
// files with the owners and modes the adapter gives them (test/support/oci.ts ADAPTER_FILES), against
// a real docker-registry, anonymous and behind an htpasswd login. The same steps with the rule of
// before (BEFORE_ISSUE_17) fail as the engine did, so the test tells the two apart.
//
// The distroless base is a mirror (`distrolessImage`), as an air-gapped user would give: gcr.io is
// out of reach here, so the base is a static one Gantry's own layer writer makes (passwd with
// nonroot 65532, CA certificates), pushed to the loopback registry under distroless's name.
import { statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { blobPath } from "../../core/image/oci/blob.js";
import { checkPushedDigest, planLayoutPush } from "../../core/image/oci/crane.js";
import { planImage, type ImagePlan } from "../../core/image/plan.js";
import { dockerConfigJson, planPublish } from "../../core/image/publish.js";
import { TOOL_USERS } from "../../core/tool-access.js";
import {
  ADAPTER_FILES,
  assembleImage,
  BEFORE_ISSUE_17,
  buildHelloApi,
  CRANE,
  dockerConfigWith,
  emptyDockerConfig,
  fileModes,
  mustRun,
  pullBase,
  removeTempDirs,
  runCrane,
  tempDir,
  type CraneFiles,
} from "../support/oci.js";
import { startRegistry, type Registry } from "../support/registry.js";

const PLATFORMS = ["linux/amd64"];
const CRANE_USER = TOOL_USERS.crane;
const LOGIN = { username: "gantry-bot", password: "s3cret-for-the-crane-user-test" };
afterAll(removeTempDirs);

interface Case {
  name: string;
  login?: typeof LOGIN;
  /** What crane as 65532 says with the files of before issue 17. */
  before: RegExp;
}

const CASES: Case[] = [
  { name: "anonymously", before: /open \S*\/blobs\/sha256\/[0-9a-f]{64}: permission denied/ },
  { name: "with a Docker config for the login", login: LOGIN, before: /loading config file: open \S*\/config\.json: permission denied/ },
];

describe.each(CASES)("publishing a distroless-based image with crane as uid 65532, $name", ({ login, before }) => {
  let registry: Registry;
  let dist: string;
  let distroless: string;
  /** DOCKER_CONFIG for crane: empty, or config.json as the adapter (or the rule of before) mounts it. */
  const dockerConfig = async (files: CraneFiles) =>
    login ? dockerConfigWith(dockerConfigJson(registry.host, login.username, login.password), files) : emptyDockerConfig();
  const servicePlan = (): ImagePlan =>
    planImage({
      name: "hello-api",
      base: "distroless",
      baseImages: { distrolessImage: distroless },
      builtPlatforms: PLATFORMS,
      sourceDateEpoch: 1_700_000_000,
    });
  const hello = (_: string, file: string) => join(dist, file);

  beforeAll(async () => {
    registry = await startRegistry(login ? { login } : {});
    dist = await buildHelloApi(PLATFORMS);
    // The mirror of distroless: a static base with a passwd for nonroot and CA certificates, pushed by root (setup, not the adapter).
    const baseTool = join(tempDir("gantry-base-tool-"), "base-tool");
    writeFileSync(baseTool, "#!/bin/sh\necho distroless stand-in\n");
    const basePlan = planImage({
      name: "static",
      base: "scratch",
      entrypoint: "/usr/local/bin/base-tool",
      builtPlatforms: PLATFORMS,
      sourceDateEpoch: 1_600_000_000,
    });
    const config = await dockerConfig(ADAPTER_FILES);
    const built = await assembleImage(basePlan, () => baseTool, config);
    distroless = `${registry.host}/distroless/static-debian12:nonroot`;
    const publish = planPublish({
      repository: `${registry.host}/distroless/static-debian12`,
      tags: ["nonroot"],
      platforms: PLATFORMS,
      registryUser: login?.username,
      hasPassword: login !== undefined,
    });
    checkPushedDigest((await runCrane(planLayoutPush(publish, built.layout, built.image.digest).push, config, { uid: 0, gid: 0 })).stdout, built.image.digest);
  });
  afterAll(async () => registry?.stop());

  it("plans a distroless base pulled from the mirror", () => {
    expect(servicePlan().base).toMatchObject({ kind: "distroless", ref: distroless });
  });

  it("has crane, as 65532, pull the base's blobs 0600 into the directory the adapter gives it", async () => {
    const p = servicePlan();
    const { image, dir } = await pullBase(p.base, p.platforms[0]!.platform, await dockerConfig(ADAPTER_FILES));
    for (const layer of image.layers) {
      const st = statSync(join(dir, blobPath(layer.digest)));
      // Why the rule gives every input to crane's user: what crane writes, only its writer may read.
      expect({ uid: st.uid, mode: st.mode & 0o777 }).toEqual({ uid: CRANE_USER.uid, mode: 0o600 });
    }
  });

  it("pushes the layout exactly as the adapter lays it out: every file 0644 and everything owned by 65532", async () => {
    const { image, layout } = await assembleImage(servicePlan(), hello, await dockerConfig(ADAPTER_FILES));
    const modes = fileModes(layout);
    const blobs = Object.keys(modes).filter((p) => p.startsWith("blobs/sha256/"));
    expect(blobs).toHaveLength(image.files.length + image.layerBlobs.length - 2); // index.json and oci-layout are not blobs
    for (const [path, m] of Object.entries(modes)) {
      expect({ path, uid: m.uid, gid: m.gid }).toEqual({ path, uid: CRANE_USER.uid, gid: CRANE_USER.gid });
      if (!statSync(join(layout, path)).isDirectory()) expect({ path, mode: m.mode }).toEqual({ path, mode: 0o644 });
    }

    const publish = planPublish({
      repository: `${registry.host}/acme/hello-api`,
      tags: ["1.2.3", "latest"],
      platforms: PLATFORMS,
      registryUser: login?.username,
      hasPassword: login !== undefined,
    });
    const push = planLayoutPush(publish, layout, image.digest);
    const config = await dockerConfig(ADAPTER_FILES);
    if (login) expect(fileModes(config)["config.json"]).toEqual({ uid: CRANE_USER.uid, gid: CRANE_USER.gid, mode: 0o400 });
    checkPushedDigest((await runCrane(push.push, config)).stdout, image.digest);
    for (const tag of push.tags) await runCrane(tag, config);

    // Read back as root, with the login when there is one: both tags name the digest Gantry computed.
    for (const ref of publish.refs) expect((await mustRun([CRANE, "digest", ref], tmpdir(), { DOCKER_CONFIG: config })).stdout.trim()).toBe(image.digest);
    const manifest = JSON.parse(
      (await mustRun([CRANE, "manifest", `--platform=${PLATFORMS[0]}`, publish.refs[0]!], tmpdir(), { DOCKER_CONFIG: config })).stdout,
    );
    expect(manifest.layers).toHaveLength(2);
  });

  it("fails as the engine did with the files of before issue 17 (pull as root, blobs copied 0600, root's 0400 login)", async () => {
    const attempt = async () => {
      const { image, layout } = await assembleImage(servicePlan(), hello, await dockerConfig(BEFORE_ISSUE_17), BEFORE_ISSUE_17);
      const publish = planPublish({
        repository: `${registry.host}/acme/before`,
        tags: ["1.2.3"],
        platforms: PLATFORMS,
        registryUser: login?.username,
        hasPassword: login !== undefined,
      });
      await runCrane(planLayoutPush(publish, layout, image.digest).push, await dockerConfig(BEFORE_ISSUE_17));
    };
    await expect(attempt()).rejects.toThrow(before);
  });
});
