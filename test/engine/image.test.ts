import { randomBytes } from "node:crypto";

import { describe, expect, it } from "vitest";

import { daggerCall, daggerCallOk, engineSuite, exampleDir, skipReason } from "./engine.js";

// A pinned commit time makes every timestamp in the image fixed, so two builds can be compared.
const release = ["--source", exampleDir, "--commit", "0123456789abcdef0123456789abcdef01234567", "--source-date-epoch", "1763769600", "--version", "1.2.3"];

describe.skipIf(skipReason)(engineSuite("engine: images of examples/hello-api"), () => {
  it("runs the stamped binary as a non-root user", async () => {
    expect(await daggerCallOk([...release, "image", "with-exec", "--use-entrypoint", "--args=--version", "stdout"])).toContain("hello-api 1.2.3");
    expect(await daggerCallOk([...release, "image", "user"])).toBe("65532:65532");
    expect(await daggerCallOk([...release, "--base", "scratch", "image", "user"])).toBe("65532:65532");
  });

  it("gives two clean builds of one commit the same digest", async () => {
    const first = await daggerCallOk([...release, "--no-cache", "tarball", "digest"]);
    const second = await daggerCallOk([...release, "--no-cache", "--go-image", "golang:1.26", "tarball", "digest"]);
    expect(first).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(second).toBe(first);
  });

  it("publishes one index under every tag with one digest", async () => {
    const repository = `ttl.sh/gantry-ci-${randomBytes(6).toString("hex")}`;
    const refs = (await daggerCallOk([...release, "publish", "--repository", repository, "--tags", "1h"])).split("\n");
    const digests = new Set(refs.map((r) => r.split("@")[1]));
    expect(refs.length).toBeGreaterThanOrEqual(4); // 1.2.3, 1.2, 1, latest, sha-0123456, 1h
    expect(digests.size).toBe(1);
  });

  it("refuses a bad tag before pushing anything", async () => {
    const res = await daggerCall([...release, "publish", "--repository", "ttl.sh/gantry-never", "--tags", "bad tag!"]);
    expect(res.status).not.toBe(0);
    expect(res.stderr).toContain("--tags");
  });
});
