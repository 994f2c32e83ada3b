import { describe, expect, it } from "vitest";

import { daggerCall, daggerCallOk, ENGINE_SUITE, engineSuite, skipReason } from "./engine.js";

// A pinned release makes every timestamp in the image fixed, so two builds can be compared.
const release = ["--commit", "0123456789abcdef0123456789abcdef01234567", "--source-date-epoch", "1763769600", "--version", "1.2.3"];

describe.skipIf(skipReason)(engineSuite("engine: images of examples/hello-api"), ENGINE_SUITE, () => {
  it("runs the stamped binary as a non-root user", async () => {
    expect(await daggerCallOk([...release, "image", "container", "with-exec", "--use-entrypoint", "--args=--version", "stdout"])).toContain("hello-api 1.2.3");
    expect(await daggerCallOk([...release, "image", "container", "user"])).toBe("65532:65532");
    expect(await daggerCallOk([...release, "image", "--base", "SCRATCH", "container", "user"])).toBe("65532:65532");
  });

  it("gives two clean builds of one commit the same digest", async () => {
    const first = await daggerCallOk([...release, "image", "digest"]);
    const second = await daggerCallOk([
      "--config",
      "pipelines/gantry.yaml",
      ...release,
      "image",
      "--platforms",
      "linux/amd64",
      "--platforms",
      "linux/arm64",
      "digest",
    ]);
    expect(first).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(second).toBe(first);
  });

  it("refuses a bad tag before pushing anything", async () => {
    const res = await daggerCall([...release, "publish", "--repository", "localhost:1/gantry-never", "--tags", "bad tag!"]);
    expect(res.status).not.toBe(0);
    expect(res.stderr).toContain("tags");
  });
});
