// Wiring of Gantry.publish (src/dagger/publish.ts) against the Dagger SIMULATION: what is checked
// before anything is built, what is pushed under which reference, and what cosign is given.
import type { Container } from "@dagger.io/dagger";
import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@dagger.io/dagger", () => import("../support/dagger-simulation.js"));

import { planSbom } from "../../src/core/image/sbom.js";
import { COSIGN_IMAGE, planAttest, planSign } from "../../src/core/image/sign.js";
import type { PublishRequest } from "../../src/dagger/publish.js";
import type { Gantry } from "../../src/index.js";
import { simulation, type Asked, type SimNode } from "../support/dagger-simulation.js";
import { gantry, producer } from "./gantry.js";

const COMMIT = "0123456789abcdef0123456789abcdef01234567";
const RELEASE = { ref: "refs/tags/v1.2.3", commit: COMMIT, sourceDateEpoch: 1_700_000_000 };
const REPOSITORY = "ghcr.io/acme/hello-api";
const TAGS = ["1.2.3", "1.2", "1", "latest", "sha-0123456"];
const DIGEST = /^sha256:[0-9a-f]{64}$/;

function publish(g: Gantry, r: Partial<PublishRequest> = {}) {
  return g.publish(r.repository ?? REPOSITORY, r.tags, r.releasedVersions, r.platforms, r.registryUser, r.registryPassword, r.cosignKey, r.cosignPassword, r.tlogUpload, r.attachSbom);
}

const login = () => ({ registryUser: "bot", registryPassword: simulation.secret("token", "s3cret") });
const pushes = (): Asked[] => simulation.askedFor("Container.publish");

beforeEach(() => simulation.reset());

describe("publish: everything is checked before anything is built or pushed", () => {
  const nothingHappened = () => {
    expect(simulation.containersCreated()).toBe(0);
    expect(pushes()).toEqual([]);
  };

  it("an invalid tag", async () => {
    await expect(publish(gantry(RELEASE), { ...login(), tags: ["not a tag"] })).rejects.toThrow(/tag/);
    nothingHappened();
  });

  it("a repository given with a tag", async () => {
    await expect(publish(gantry(RELEASE), { ...login(), repository: "ghcr.io/acme/hello-api:1.2.3" })).rejects.toThrow(/includes a tag or digest/);
    nothingHappened();
  });

  it("a user without a password", async () => {
    await expect(publish(gantry(RELEASE), { registryUser: "bot" })).rejects.toThrow(/--registry-user bot was given without a password/);
    nothingHappened();
  });

  it("a password without a user", async () => {
    await expect(publish(gantry(RELEASE), { registryPassword: simulation.secret("token", "s3cret") })).rejects.toThrow(/password was given without a user/);
    nothingHappened();
  });

  it("nothing to tag (no ref, version, commit or --tags)", async () => {
    await expect(publish(gantry(), login())).rejects.toThrow(/no tags to push/);
    nothingHappened();
  });

  it("--attach-sbom without a signing key", async () => {
    await expect(publish(gantry(RELEASE), { ...login(), attachSbom: true })).rejects.toThrow(/pass --cosign-key as well/);
    nothingHappened();
  });
});

describe("publish: one multi-platform image, pushed once per tag, returned by digest", () => {
  it("pushes the same image index (one variant per platform) under every computed tag, logged in to the registry", async () => {
    const { registryPassword } = login();
    await publish(gantry(RELEASE), { registryUser: "bot", registryPassword });
    expect(pushes().map((p) => p.args[0])).toEqual(TAGS.map((t) => `${REPOSITORY}:${t}`));
    const variants = pushes().map((p) => (p.args[1] as { platformVariants: Container[] }).platformVariants);
    expect(variants[0]!.map((v) => simulation.node(v).chain()[0]!.call.args[0])).toEqual([{ platform: "linux/amd64" }, { platform: "linux/arm64" }]);
    for (const v of variants) v.forEach((ctr, i) => expect(ctr).toBe(variants[0]![i])); // the very same containers: one index
    for (const p of pushes()) expect(p.on!.describe(0)).toBe('dag.container().withRegistryAuth("ghcr.io", "bot", <Secret>)');
    expect(pushes()[0]!.on!.calls("withRegistryAuth")[0]!.args[2]).toBe(registryPassword);
  });

  it("returns repository:tag@digest for every tag, with the digest the registry answered", async () => {
    const refs = await publish(gantry(RELEASE), login());
    const digest = (pushes()[0]!.answer as string).split("@")[1]!;
    expect(digest).toMatch(DIGEST);
    expect(refs).toEqual(TAGS.map((t) => `${REPOSITORY}:${t}@${digest}`));
  });

  it("pushes anonymously (no withRegistryAuth) when no credentials are given", async () => {
    await publish(gantry(RELEASE), { platforms: ["linux/arm64"] });
    expect(pushes().map((p) => p.on!.describe(0))).toEqual(TAGS.map(() => "dag.container()"));
    expect((pushes()[0]!.args[1] as { platformVariants: Container[] }).platformVariants).toHaveLength(1);
  });

  it("fails when two tags were pushed with different digests, and signs nothing", async () => {
    let n = 0;
    simulation.reset((q) => (q.what === "Container.publish" ? `${String(q.args[0])}@sha256:${String(n++ % 2).repeat(64)}` : undefined));
    await expect(publish(gantry(RELEASE), { ...login(), cosignKey: simulation.secret("key", "k") })).rejects.toThrow(/pushed with different digests/);
    expect(pushes()).toHaveLength(TAGS.length);
    expect(simulation.askedFor("Container.sync")).toEqual([]);
  });
});

describe("publish: signing the pushed digest with cosign", () => {
  const cosignRuns = (): SimNode[] => simulation.askedFor("Container.sync").map((a) => a.on!);

  it("signs repository@digest once, after every push, with the key as a secret and the push's login as a Docker config secret", async () => {
    const key = simulation.secret("cosign-key", "KEY");
    const refs = await publish(gantry(RELEASE), { ...login(), cosignKey: key });
    const digest = refs[0]!.split("@")[1]!;
    const names = simulation.asked.map((a) => a.what).filter((w) => w === "Container.publish" || w === "Container.sync");
    expect(names).toEqual([...TAGS.map(() => "Container.publish"), "Container.sync"]);

    const [sign] = cosignRuns();
    const run = planSign({ reference: `${REPOSITORY}@${digest}`, hasPassword: false, tlogUpload: true });
    expect(sign!.calls("from").map((c) => c.args[0])).toEqual([COSIGN_IMAGE]);
    expect(sign!.execs()).toEqual([{ argv: run.args, options: { useEntrypoint: true } }]);
    expect(sign!.envVariables()).toEqual({ ...run.env, DOCKER_CONFIG: "/gantry/docker" });
    const secrets = sign!.calls("withMountedSecret");
    expect(secrets.map((c) => c.args[0])).toEqual(["/run/secrets/cosign.key", "/gantry/docker/config.json"]);
    expect(secrets[0]!.args[1]).toBe(key);
    const config = simulation.node(secrets[1]!.args[1]);
    expect(config.call.method).toBe("setSecret");
    expect(JSON.parse(config.call.args[1] as string)).toEqual({ auths: { "ghcr.io": { auth: Buffer.from("bot:s3cret").toString("base64") } } });
  });

  it("passes the key's password as a secret variable, never as plain env", async () => {
    const cosignPassword = simulation.secret("cosign-password", "pw");
    await publish(gantry(RELEASE), { cosignKey: simulation.secret("k", "KEY"), cosignPassword, tlogUpload: false });
    const [sign] = cosignRuns();
    expect(sign!.calls("withSecretVariable")).toEqual([{ method: "withSecretVariable", args: ["COSIGN_PASSWORD", cosignPassword] }]);
    expect(sign!.envVariables()).not.toHaveProperty("COSIGN_PASSWORD");
    expect(sign!.lastExec()!.argv).toContain("--tlog-upload=false");
    // Anonymous push: cosign gets no Docker config either.
    expect(sign!.calls("withMountedSecret").map((c) => c.args[0])).toEqual(["/run/secrets/cosign.key"]);
  });

  it("--attach-sbom attests syft's SPDX SBOM of the first variant to the same digest", async () => {
    const refs = await publish(gantry(RELEASE), { ...login(), cosignKey: simulation.secret("k", "KEY"), attachSbom: true });
    const digest = refs[0]!.split("@")[1]!;
    const [, attest] = cosignRuns();
    const run = planAttest({ reference: `${REPOSITORY}@${digest}`, hasPassword: false, tlogUpload: true, predicate: "/work/sbom.spdx.json", format: "spdx-json" });
    expect(attest!.lastExec()).toEqual({ argv: run.args, options: { useEntrypoint: true } });
    const [mount] = attest!.calls("withMountedFile");
    expect(mount!.args[0]).toBe("/work/sbom.spdx.json");
    const sbom = simulation.node(mount!.args[1]);
    const syft = producer(sbom);
    expect(syft.lastExec()!.argv).toEqual(planSbom({ tarball: "/work/image.tar", format: "spdx-json", sourceName: REPOSITORY }).args);
    const firstVariant = (pushes()[0]!.args[1] as { platformVariants: Container[] }).platformVariants[0];
    expect(simulation.node(syft.calls("withMountedFile")[0]!.args[1]).parent).toBe(firstVariant);
  });
});
