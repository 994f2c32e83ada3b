// The policy port's adapter against the Dagger SIMULATION: which container `opa eval` runs in, as
// whom, with what mounted. That opa really decides is test/host/policy-opa.test.ts.
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@dagger.io/dagger", () => import("../support/dagger-simulation.js"));

import { opaEvaluator } from "../../dagger/policy.js";
import { Gantry } from "../../src/index.js";
import { OPA_IMAGE } from "../../core/policy/opa.js";
import type { PolicyInput } from "../../core/policy/input.js";
import { simulation } from "../support/dagger-simulation.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");
const INPUT: PolicyInput = {
  now: "2026-12-07T12:00:00.000Z",
  environment: "production",
  image: "r@sha256:x",
  release: {},
  manifests: [],
  attestations: { signatures: [] },
  expect: { maxScanAgeDays: 7 },
};
const ANSWER = JSON.stringify({ result: [{ expressions: [{ value: [{ rule: "signed_by_pipeline", object: "Deployment/api", message: "unsigned" }] }] }] });

beforeEach(() => simulation.reset((q) => (q.what === "Container.stdout" ? ANSWER : undefined)));

describe("wiring: opa eval for an environment's policies (simulation)", () => {
  it("runs the core's argv in OPA's pinned image as 1000:1000, the policies and the input owned by that user", async () => {
    const repository = simulation.hostDirectory(ROOT);
    const decision = await opaEvaluator({ defaults: true, directories: ["policies/acme"], maxScanAgeDays: 7 }, repository).evaluate(INPUT);
    expect(decision).toEqual({ allowed: false, violations: [{ rule: "signed_by_pipeline", object: "Deployment/api", message: "unsigned" }] });

    const ctr = simulation.askedFor("Container.stdout")[0]!.on!;
    expect(ctr.calls("from").map((c) => c.args[0])).toEqual([OPA_IMAGE]);
    expect(ctr.calls("withUser").map((c) => c.args[0])).toEqual(["1000:1000"]);
    expect(ctr.calls("withMountedDirectory").map((c) => [c.args[0], c.args[2]])).toEqual([
      ["/policies/gantry", { owner: "1000:1000" }],
      ["/policies/repository/policies/acme", { owner: "1000:1000" }],
    ]);
    expect(ctr.calls("withMountedDirectory").map((c) => simulation.node(c.args[1]).call.args[0])).toEqual(["policies/gantry", "policies/acme"]);
    const input = ctr.calls("withNewFile")[0]!;
    expect(input.args[0]).toBe("/work/input.json");
    expect(JSON.parse(input.args[1] as string)).toEqual(INPUT);
    expect(input.args[2]).toEqual({ owner: "1000:1000", permissions: 0o644 });
    expect(ctr.lastExec()).toEqual({
      argv: [
        "eval",
        "--format",
        "json",
        "--data",
        "/policies/gantry",
        "--data",
        "/policies/repository/policies/acme",
        "--input",
        "/work/input.json",
        "data.gantry.deny",
      ],
      options: { useEntrypoint: true },
    });
  });

  it("needs the repository only for the repository's own policy directories", async () => {
    await expect(opaEvaluator({ defaults: false, directories: ["policies/acme"], maxScanAgeDays: 7 }, undefined).evaluate(INPUT)).rejects.toThrow(
      /policy directory policies\/acme: no repository/,
    );
    await expect(opaEvaluator({ defaults: true, directories: [], maxScanAgeDays: 7 }, undefined).evaluate(INPUT)).resolves.toMatchObject({ allowed: false });
  });
});

describe("wiring: the policy function (simulation)", () => {
  it("judges the environment's rendered objects for the image and reports each violation by rule and object", async () => {
    const root = mkdtempSync(join(tmpdir(), "gantry-policy-wiring-"));
    cpSync(fileURLToPath(new URL("../../examples/hello-api/", import.meta.url)), join(root, "services/api"), { recursive: true });
    mkdirSync(join(root, "pipelines"));
    writeFileSync(
      join(root, "pipelines/gantry.yaml"),
      "name: api\nsource: services/api\nenvironments:\n  production:\n    namespace: prod\n    policy: {maxScanAgeDays: 3}\n",
    );
    const image = `ghcr.io/acme/api@sha256:${"e".repeat(64)}`;
    const report = await new Gantry("pipelines/gantry.yaml", "", "", "", 0).environment(simulation.hostDirectory(root), "production").policy(image);
    expect(report).toBe("policy signed_by_pipeline refused Deployment/api: unsigned\n");
    const input = JSON.parse(simulation.askedFor("Container.stdout")[0]!.on!.calls("withNewFile")[0]!.args[1] as string) as PolicyInput;
    expect(input.image).toBe(image);
    expect(input.environment).toBe("production");
    expect(input.expect).toEqual({ maxScanAgeDays: 3 });
    expect(input.manifests.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(expect.arrayContaining(["Deployment/api", "Service/api"]));
  });
});
