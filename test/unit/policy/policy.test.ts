import { readFileSync } from "node:fs";

import { describe, expect, it } from "vitest";

import { FileError, GantryError } from "../../../core/errors.js";
import { scanEvidence } from "../../../core/pipeline/policy-evidence.js";
import { decisionLines, decisionOf, refusalReason } from "../../../core/policy/decision.js";
import { policyDirectories } from "../../../core/policy/directories.js";
import { policyInput } from "../../../core/policy/input.js";
import { OPA_IMAGE, OPA_VERSION, parseDenySet, planOpaCheck, planOpaEval, planOpaTest } from "../../../core/policy/opa.js";
import { toolAccess } from "../../../core/tool-access.js";
import { normaliseEnvironment } from "../../support/environment.js";

const SOURCE = { file: "pipelines/hello.yaml" };
const env = (policy: unknown) => normaliseEnvironment("production", { namespace: "prod", policy }, SOURCE);

function fails(policy: unknown, field: string, problem: RegExp): void {
  let error: unknown;
  try {
    env(policy);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(FileError);
  expect((error as FileError).field).toBe(field);
  expect((error as FileError).message).toMatch(problem);
}

describe("environments.<name>.policy", () => {
  it("defaults to Gantry's policy set, no identity and scans of at most 7 days", () => {
    expect(env({}).policy).toEqual({ defaults: true, directories: [], maxScanAgeDays: 7 });
    expect(normaliseEnvironment("staging", { namespace: "s" }, SOURCE).policy).toBeUndefined();
  });

  it("takes repository directories, a keyless or key identity and the scan age", () => {
    const p = env({
      directories: ["policies/acme", ".gantry/rego"],
      identity: { issuer: "https://token.actions.githubusercontent.com", subject: "repo:acme/api" },
      maxScanAgeDays: 3,
    }).policy!;
    expect(p).toEqual({
      defaults: true,
      directories: ["policies/acme", ".gantry/rego"],
      identity: { issuer: "https://token.actions.githubusercontent.com", subject: "repo:acme/api" },
      maxScanAgeDays: 3,
    });
    expect(env({ identity: { key: "env:COSIGN_PUBLIC_KEY" } }).policy!.identity).toEqual({ key: "env:COSIGN_PUBLIC_KEY" });
  });

  it("refuses a directory outside the repository, an empty policy set and a half identity", () => {
    fails({ directories: ["../elsewhere"] }, "environments.production.policy.directories[0]", /relative to the repository root/);
    fails({ directories: ["/etc"] }, "environments.production.policy.directories[0]", /relative to the repository root/);
    fails({ directories: ["policies/./x"] }, "environments.production.policy.directories[0]", /no '\.\.'/);
    fails({ defaults: false }, "environments.production.policy.directories", /empty policy set would pass everything/);
    fails({ identity: { issuer: "https://token.actions.githubusercontent.com" } }, "environments.production.policy.identity", /issuer, subject/);
    fails({ maxScanAgeDays: 0 }, "environments.production.policy.maxScanAgeDays", />=1|at least|too small/i);
  });
});

describe("opa as Gantry runs it", () => {
  it("is the version scripts/install-opa.sh builds, in OPA's static image, as its user 1000:1000", () => {
    const script = readFileSync(new URL("../../../scripts/install-opa.sh", import.meta.url), "utf8");
    expect(/^VERSION=(\S+)$/m.exec(script)![1]).toBe(OPA_VERSION);
    expect(OPA_IMAGE).toBe(`openpolicyagent/opa:${OPA_VERSION}-static`);
    expect(toolAccess("opa").user).toBe("1000:1000");
  });

  it("evaluates the deny set with every policy directory as data over the input file", () => {
    const dirs = policyDirectories({ defaults: true, directories: ["policies/acme"], maxScanAgeDays: 7 }).map((d) => d.mountPath);
    expect(planOpaEval({ directories: dirs })).toEqual({
      tool: "opa",
      image: OPA_IMAGE,
      args: [
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
      env: {},
      secretEnv: [],
    });
    expect(() => planOpaEval({ directories: [] })).toThrow(GantryError);
    expect(planOpaCheck(["/p"]).args).toEqual(["check", "--strict", "/p"]);
    expect(planOpaTest(["/p"]).args).toEqual(["test", "--format", "json", "/p"]);
  });

  it("reads eval's answer; an undefined deny set or a malformed violation is an error, never a pass", () => {
    const answer = (value: unknown) => JSON.stringify({ result: [{ expressions: [{ value, text: "data.gantry.deny", location: { row: 1, col: 1 } }] }] });
    expect(parseDenySet(answer([]))).toEqual([]);
    expect(parseDenySet(answer([{ rule: "non_root", object: "Deployment/api", message: "m" }]))).toEqual([
      { rule: "non_root", object: "Deployment/api", message: "m" },
    ]);
    expect(() => parseDenySet("{}")).toThrow(/data\.gantry\.deny is undefined/);
    expect(() => parseDenySet(answer(["a string"]))).toThrow(/\{"rule", "object", "message"\}/);
    expect(() => parseDenySet("not json")).toThrow(/expected its JSON answer/);
  });
});

describe("the decision and the input document", () => {
  it("sorts violations and names rule and object in the refusal", () => {
    const d = decisionOf([
      { rule: "resources_set", object: "Deployment/b", message: "x" },
      { rule: "non_root", object: "Deployment/a", message: "y" },
    ]);
    expect(d.allowed).toBe(false);
    expect(decisionLines(d)).toEqual(["policy non_root refused Deployment/a: y", "policy resources_set refused Deployment/b: x"]);
    expect(refusalReason("production", d)).toMatch(/^the policies of production refused the deploy \(2 violation\(s\)\); nothing was applied: policy non_root/);
    expect(decisionOf([])).toEqual({ allowed: true, violations: [] });
  });

  it("prefers the call's own scan over the attested one, and states what the policy expects", () => {
    const attested = { verdict: "passed" as const, scannedAt: "2026-12-01T00:00:00Z", counts: {}, failing: 0 };
    const own = { ...attested, scannedAt: "2026-12-07T00:00:00Z" };
    const base = {
      now: new Date("2026-12-07T12:00:00Z"),
      environment: "production",
      image: "r@sha256:x",
      release: { version: "1.0.0", commit: undefined },
      manifests: [],
      policy: { defaults: true, directories: [], maxScanAgeDays: 7 },
    };
    const input = policyInput({ ...base, attestations: { signatures: [], scan: attested }, scan: own });
    expect(input.scan).toBe(own);
    expect(input.release).toEqual({ version: "1.0.0" });
    expect(input.expect).toEqual({ maxScanAgeDays: 7 });
    expect(input.now).toBe("2026-12-07T12:00:00.000Z");
    expect(policyInput({ ...base, attestations: { signatures: [], scan: attested } }).scan).toBe(attested);
    expect(policyInput({ ...base, attestations: { signatures: [] } })).not.toHaveProperty("scan");
  });

  it("hands a deploy the run's failed scan first, else its oldest", () => {
    const scan = (verdict: "passed" | "failed", scannedAt?: string) => ({
      kind: "scan" as const,
      verdict,
      counts: {},
      failing: 0,
      ...(scannedAt ? { scannedAt } : {}),
    });
    expect(scanEvidence([scan("passed", "2026-12-07T10:00:00Z"), scan("passed", "2026-12-06T10:00:00Z")]).scan?.scannedAt).toBe("2026-12-06T10:00:00Z");
    expect(scanEvidence([scan("passed", "2026-12-06T10:00:00Z"), scan("failed", "2026-12-07T10:00:00Z")]).scan?.verdict).toBe("failed");
    expect(scanEvidence([scan("passed"), undefined])).toEqual({});
  });
});
