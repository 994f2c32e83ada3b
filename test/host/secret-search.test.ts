// The engine test module's secret search (test/engine/module/src/checks/secret-search.ts) with the
// host's sh, grep, tar and gzip: it must find a planted value in a plain file and inside a gzipped
// layer of an OCI layout tarball, name only the file or layer, and find nothing in clean output.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { SECRET_SEARCH_SCRIPT } from "../engine/module/src/checks/secret-search.js";
import { runArgv } from "../support/run.js";

const CANARY = "gantry-host-test-canary-6f1d";
const LAYER = "a".repeat(64);

/** An output directory as the check assembles it: reports, and an image layout tarball with one gzipped layer. */
async function outputs(opts: { inReport?: boolean; inLayer?: boolean }): Promise<{ out: string; layout: string }> {
  const dir = mkdtempSync(join(tmpdir(), "gantry-secret-search-"));
  const out = join(dir, "out");
  const layoutSrc = join(dir, "layout-src");
  mkdirSync(join(out, "test-reports"), { recursive: true });
  writeFileSync(join(out, "test-reports", "junit.xml"), `<testsuites>${opts.inReport ? CANARY : "clean"}</testsuites>`);
  mkdirSync(join(layoutSrc, "blobs", "sha256"), { recursive: true });
  mkdirSync(join(dir, "rootfs", "app"), { recursive: true });
  writeFileSync(join(dir, "rootfs", "app", "config"), opts.inLayer ? `token=${CANARY}` : "token=none");
  const layer = await runArgv(["sh", "-c", `tar -cf - -C "${join(dir, "rootfs")}" app | gzip -n > "${join(layoutSrc, "blobs", "sha256", LAYER)}"`], {
    cwd: dir,
  });
  expect(layer.status, layer.stderr).toBe(0);
  writeFileSync(join(layoutSrc, "index.json"), '{"schemaVersion":2,"manifests":[]}');
  const tar = await runArgv(["tar", "-cf", join(out, "image.tar"), "-C", layoutSrc, "."], { cwd: dir });
  expect(tar.status, tar.stderr).toBe(0);
  return { out, layout: join(dir, "layout") };
}

async function search(dirs: { out: string; layout: string }): Promise<string> {
  const ran = await runArgv(["sh", "-c", SECRET_SEARCH_SCRIPT], { cwd: dirs.out, env: { CANARY, OUT: dirs.out, LAYOUT: dirs.layout } });
  expect(ran.status, ran.stderr).toBe(0);
  expect(ran.stdout).not.toContain(CANARY);
  return ran.stdout.trim();
}

describe("the engine test module's secret search, on the host", () => {
  it("finds nothing in clean output", async () => {
    expect(await search(await outputs({}))).toBe("");
  });

  it("names a report file holding the value", async () => {
    const dirs = await outputs({ inReport: true });
    expect(await search(dirs)).toBe(join(dirs.out, "test-reports", "junit.xml"));
  });

  it("names a layer holding the value once decompressed, which a plain search of the tarball misses", async () => {
    expect(await search(await outputs({ inLayer: true }))).toBe(`layer ${LAYER}`);
  });
});
