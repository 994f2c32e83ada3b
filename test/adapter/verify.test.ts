// How the verify adapter wires the core's cosign and git argv into containers (SIMULATION of the
// engine, test/support/dagger-simulation.ts): the public key mounted as cosign's user, every call
// uncached, the ancestry asked of git with the checkout's .git, and a refused image refused before
// anything else. The real cosign and git run in test/host/attest.test.ts.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@dagger.io/dagger", () => import("../support/dagger-simulation.js"));

import { loadPipeline } from "../../core/pipeline/load.js";
import { PREDICATE_TYPES } from "../../core/supply/predicate-types.js";
import { COSIGN_PUBLIC_KEY_PATH } from "../../core/supply/verify-plan.js";
import { toolAccess } from "../../core/tool-access.js";
import type { StageContext } from "../../dagger/context.js";
import { simulation } from "../support/dagger-simulation.js";

const DIGEST = "sha256:" + "c".repeat(64);
const IMAGE = `ghcr.io/acme/api@${DIGEST}`;
const COMMIT = "0123456789abcdef0123456789abcdef01234567";
const TEXT =
  "name: api\nimage: {sourceUrl: 'https://github.com/acme/api'}\npublish: {repository: ghcr.io/acme/api, cosignKey: 'env:K', attest: true, publicKey: keys/cosign.pub, tlogUpload: false}\nenvironments:\n  production: {namespace: shop}\n";

function context(): StageContext {
  const root = mkdtempSync(join(tmpdir(), "gantry-verify-adapter-"));
  mkdirSync(join(root, "keys"));
  mkdirSync(join(root, ".git"));
  writeFileSync(join(root, "keys", "cosign.pub"), "-----BEGIN PUBLIC KEY-----\n");
  writeFileSync(join(root, ".git", "HEAD"), "ref: refs/heads/main\n");
  return {
    pipeline: loadPipeline(TEXT, "pipelines/gantry.yaml"),
    pipelineFile: { path: "pipelines/gantry.yaml", text: TEXT },
    repository: simulation.hostDirectory(root),
    toolchain: { image: "golang:1.26.8", env: {} },
  } as unknown as StageContext;
}

const envelope = (predicateType: string, predicate: unknown) =>
  JSON.stringify({
    payload: Buffer.from(JSON.stringify({ subject: [{ name: "ghcr.io/acme/api", digest: { sha256: DIGEST.slice(7) } }], predicateType, predicate })).toString(
      "base64",
    ),
  });
const STDOUT: Record<string, string> = {
  slsaprovenance1: envelope(PREDICATE_TYPES.slsaprovenance1, {
    buildDefinition: {
      externalParameters: {
        source: { repository: "https://github.com/acme/api", commit: COMMIT },
        pipeline: { path: "pipelines/gantry.yaml", sha256: "d".repeat(64) },
      },
    },
    runDetails: { builder: { id: "urn:gantry:builder:dagger-module" } },
  }),
  vuln: envelope(PREDICATE_TYPES.vuln, {
    scanner: { result: { gate: { status: "passed", passed: true, summary: "ok" } } },
    metadata: { scanFinishedOn: new Date().toISOString() },
  }),
  spdxjson: envelope(PREDICATE_TYPES.spdxjson, { packages: [] }),
};

function answer(gitStatus: number) {
  return (q: { what: string; on?: { lastExec(): { argv: string[] } | undefined } }) => {
    const argv = q.on?.lastExec()?.argv ?? [];
    if (q.what === "Container.exitCode") return argv[0] === "git" ? gitStatus : 0;
    if (q.what === "Container.stdout") return argv[0] === "verify-attestation" ? STDOUT[argv[2]!]! + "\n" : "";
    if (q.what === "Container.stderr") return "";
    return undefined;
  };
}

describe("wiring: verify (simulation)", () => {
  beforeEach(() => simulation.reset(answer(0)));

  it("runs cosign per check with the repository's public key mounted as cosign's user, uncached, and git for the ancestry", async () => {
    const { verifyCall } = await import("../../dagger/verify.js");
    const json = JSON.parse(await verifyCall(context(), IMAGE, "production"));
    expect(json).toMatchObject({ verified: true, provenance: { commit: COMMIT }, image: { digest: DIGEST } });
    const cosign = simulation
      .askedFor("Container.exitCode")
      .map((a) => a.on!)
      .filter((c) => c.lastExec()!.argv[0] !== "git");
    expect(cosign.map((c) => c.lastExec()!.argv.slice(0, 3))).toEqual([
      ["verify", "--key", COSIGN_PUBLIC_KEY_PATH],
      ["verify-attestation", "--type", "spdxjson"],
      ["verify-attestation", "--type", "slsaprovenance1"],
      ["verify-attestation", "--type", "vuln"],
    ]);
    for (const c of cosign) {
      expect(c.calls("withMountedFile").map((f) => [f.args[0], f.args[2]])).toEqual([[COSIGN_PUBLIC_KEY_PATH, toolAccess("cosign").mount]]);
      expect(c.calls("withEnvVariable").some((e) => e.args[0] === "GANTRY_REGISTRY_CALL")).toBe(true);
      expect(c.lastExec()!.argv).toContain("--insecure-ignore-tlog");
    }
    const git = simulation
      .askedFor("Container.exitCode")
      .map((a) => a.on!)
      .find((c) => c.lastExec()!.argv[0] === "git")!;
    expect(git.lastExec()!.argv).toEqual(["git", "-c", "safe.directory=*", "--git-dir", "/repo/.git", "merge-base", "--is-ancestor", COMMIT, "HEAD"]);
  });

  it("refuses a deploy of an image whose provenance commit is not in the history, naming why", async () => {
    simulation.reset(answer(1));
    const { verifyBeforeDeploy } = await import("../../dagger/verify.js");
    await expect(verifyBeforeDeploy(context(), "production", IMAGE)).rejects.toThrow(
      /is not verified for production, so nothing was applied:\n- provenance: commit 0123.* is not in this commit's history/,
    );
  });
});
