// The GitOps handoff's decisions (core/kube/gitops/) and the release history's (rollout/history.ts),
// engine-free. The real git, git server, kustomize and API server run in test/host/gitops-*.test.ts
// and kube-rollback.test.ts.
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

import { FileError } from "../../../core/errors.js";
import {
  cloneArgv,
  commitArgv,
  commitMessage,
  gitEnvironment,
  parseCommitOutput,
  pushBranch,
  releaseLine,
  restoreArgv,
} from "../../../core/kube/gitops/handoff.js";
import { pinKustomizationImage } from "../../../core/kube/gitops/kustomization.js";
import { syncTool } from "../../../core/kube/gitops/sync-objects.js";
import {
  findRelease,
  KEEP_RELEASES,
  parseReleaseRecords,
  recordsToPrune,
  renderReleaseRecord,
  type ReleaseRecord,
} from "../../../core/kube/rollout/releases.js";
import { normaliseEnvironment } from "../../support/environment.js";
import { environment, IMAGE_A, IMAGE_B, DIGEST_A, SOURCE } from "./fixtures.js";

const GITOPS = { repository: "https://git.example.com/team/deploy.git", path: "k8s/prod", credentials: "env:GITOPS_TOKEN" };

function refused(gitops: Record<string, unknown>, field: string, problem: RegExp): void {
  try {
    normaliseEnvironment("staging", { namespace: "shop", gitops }, SOURCE);
    expect.unreachable();
  } catch (e) {
    expect(e).toBeInstanceOf(FileError);
    expect((e as FileError).field).toBe(`environments.staging.gitops.${field}`);
    expect((e as Error).message).toMatch(problem);
  }
}

describe("gitops: settings", () => {
  it("fills the defaults: branch main, commit mode, user gantry, Gantry as author", () => {
    expect(environment({ gitops: GITOPS }).gitops).toEqual({
      ...GITOPS,
      branch: "main",
      username: "gantry",
      mode: "commit",
      author: { name: "Gantry", email: "gantry@gantry.invalid" },
    });
  });
  it("refuses a token in the URL", () => refused({ ...GITOPS, repository: "https://x:tok@git.example.com/a.git" }, "repository", /must not carry credentials/));
  it("refuses an ssh or scp-style URL (only https tokens are supported)", () =>
    refused({ ...GITOPS, repository: "git@github.com:a/b.git" }, "repository", /https:\/\//));
  it("refuses credentials given inline", () => refused({ ...GITOPS, credentials: "ghp_abcdef" }, "credentials", /by reference, never inline/));
  it("refuses a path leaving the repository", () => refused({ ...GITOPS, path: "k8s/../../etc" }, "path", /stay inside the repository/));
  it("refuses a branch that is an option", () => refused({ ...GITOPS, branch: "--upload-pack=x" }, "branch", /branch name/));
  it("refuses an unknown mode", () => refused({ ...GITOPS, mode: "push" }, "mode", /commit|merge-request/));
});

describe("gitops: what git runs", () => {
  const config = environment({ gitops: GITOPS }).gitops!;
  it("passes every value as a positional argument, never inside the script", () => {
    expect(cloneArgv(config, "/gitops")).toEqual(["sh", "-c", expect.any(String), "gantry-gitops-clone", "main", GITOPS.repository, "/gitops/repo"]);
    expect(commitArgv(config, "/gitops", "main").slice(3)).toEqual(["gantry-gitops-commit", "/gitops/repo", "k8s/prod", "main", "/gitops/message", ""]);
    expect(commitArgv({ ...config, mode: "merge-request" }, "/gitops", "gantry/staging/aaaa").at(-1)).toBe("+");
  });
  it("dates the commit from the release and reads the token from a file named by the environment", () => {
    const env = gitEnvironment({ config, sourceDateEpoch: 1763769600 }, "/gitops");
    expect(env).toMatchObject({
      GIT_AUTHOR_DATE: "@1763769600 +0000",
      GIT_COMMITTER_DATE: "@1763769600 +0000",
      GANTRY_GITOPS_TOKEN: "/gitops/secrets/token",
      GIT_TERMINAL_PROMPT: "0",
    });
    expect(() => gitEnvironment({ config, sourceDateEpoch: 0 }, "/gitops")).toThrow(/the release has no commit time/);
  });
  it("names the merge-request branch after the environment and the digest", () => {
    expect(pushBranch(config, "staging", IMAGE_A)).toBe("main");
    expect(pushBranch({ ...config, mode: "merge-request" }, "staging", IMAGE_A)).toBe(`gantry/staging/${"a".repeat(12)}`);
  });
  it("finds a release in the history by its digest or revision line", () => {
    expect(releaseLine(IMAGE_A)).toBe(`@${DIGEST_A}`);
    expect(releaseLine(DIGEST_A)).toBe(`@${DIGEST_A}`);
    expect(releaseLine("0123abcd")).toBe("Revision: 0123abcd");
    expect(() => releaseLine("v1.2 --all")).toThrow(/expected a revision or an image digest/);
    expect(restoreArgv(config, "/gitops", "Revision: x").slice(3)).toEqual([
      "gantry-gitops-restore",
      "main",
      GITOPS.repository,
      "/gitops/repo",
      "k8s/prod",
      "Revision: x",
    ]);
  });
  it("reads the commit script's answer", () => {
    expect(parseCommitOutput(`commit=${"1".repeat(40)}\n`)).toEqual({ commit: "1".repeat(40), changed: true });
    expect(parseCommitOutput(`unchanged=${"2".repeat(40)}\n`)).toEqual({ commit: "2".repeat(40), changed: false });
    expect(() => parseCommitOutput("fatal: nope")).toThrow(/git printed no commit/);
  });
  it("writes what, where, the digest, the pipeline and the run into the message", () => {
    const message = commitMessage({
      config,
      environment: "staging",
      service: "hello-api",
      image: IMAGE_A,
      revision: "r1",
      objects: [],
      pipeline: "hello-api",
      run: "version 1.0.0, commit abc",
      sourceDateEpoch: 1,
    });
    expect(message.split("\n")).toEqual([
      "deploy hello-api sha256:aaaaaaaaaaaa to staging",
      "",
      `Image: ${IMAGE_A}`,
      "Revision: r1",
      "Environment: staging",
      "Pipeline: hello-api",
      "Run: version 1.0.0, commit abc",
      "",
    ]);
  });
});

describe("gitops: the kustomize overlay's images: edit", () => {
  const pin = { name: "hello-api", newName: "ghcr.io/acme/hello-api", digest: DIGEST_A };
  it("pins an existing entry by digest, drops its tag, keeps comments and other entries", () => {
    const text = "# overlay\nresources: [../../base]\nimages:\n  - name: hello-api # ours\n    newTag: v1\n  - name: other\n    newTag: '2'\n";
    const out = pinKustomizationImage(text, "k.yaml", pin);
    expect(out).toContain("# overlay");
    expect(out).toContain("# ours");
    expect(parse(out).images).toEqual([
      { name: "hello-api", newName: "ghcr.io/acme/hello-api", digest: DIGEST_A },
      { name: "other", newTag: "2" },
    ]);
    expect(pinKustomizationImage(out, "k.yaml", pin)).toBe(out);
  });
  it("adds an entry (and images:) when there is none; no newName when the name already is the repository", () => {
    expect(parse(pinKustomizationImage("resources: [base]\n", "k.yaml", pin)).images).toEqual([
      { name: "hello-api", newName: "ghcr.io/acme/hello-api", digest: DIGEST_A },
    ]);
    const same = { ...pin, name: pin.newName };
    expect(parse(pinKustomizationImage("images:\n", "k.yaml", same)).images).toEqual([{ name: "ghcr.io/acme/hello-api", digest: DIGEST_A }]);
  });
  it("names the file when it is no kustomization", () => {
    expect(() => pinKustomizationImage("- a\n", "repo main:k8s/kustomization.yaml", pin)).toThrow(
      /repo main:k8s\/kustomization.yaml: expected a kustomization/,
    );
    expect(() => pinKustomizationImage("images: nope\n", "k.yaml", pin)).toThrow(/k.yaml: images: must be a list/);
  });
  it("takes the sync tool by name", () => {
    expect(syncTool("ArgoCD")).toBe("argocd");
    expect(() => syncTool("spinnaker")).toThrow(/expected argocd or flux/);
  });
});

describe("release history", () => {
  const record = (revision: string, image: string, at: number) =>
    renderReleaseRecord("hello-api", "shop", { revision, image, objects: `kind: Deployment # ${revision}\n` }, at);
  const list = (...items: unknown[]) => JSON.stringify({ kind: "List", items });
  const records: ReleaseRecord[] = parseReleaseRecords(list(record("r1", IMAGE_A, 1), record("r3", IMAGE_A, 3), record("r2", IMAGE_B, 2)));

  it("reads records back newest first", () => {
    expect(records.map((r) => r.revision)).toEqual(["r3", "r2", "r1"]);
    expect(records[0]).toEqual({ name: "hello-api-release-r3", revision: "r3", image: IMAGE_A, recordedAt: 3, objects: "kind: Deployment # r3\n" });
  });
  it("finds a release by revision, by digest (the newest of that digest), by image reference", () => {
    expect(findRelease(records, "r1", "x").revision).toBe("r1");
    expect(findRelease(records, DIGEST_A, "x").revision).toBe("r3");
    expect(findRelease(records, IMAGE_B, "x").revision).toBe("r2");
    expect(() => findRelease(records, "sha256:" + "f".repeat(64), "hello-api in shop")).toThrow(
      /no recorded release of hello-api in shop .* the last 3 recorded: r3 /,
    );
    expect(() => findRelease([], "r1", "hello-api in shop")).toThrow(/none is recorded yet/);
  });
  it(`keeps the newest ${KEEP_RELEASES}`, () => {
    const many = Array.from({ length: KEEP_RELEASES + 3 }, (_, i) => ({ name: `n${i}`, revision: `r${i}`, image: IMAGE_A, recordedAt: 100 - i, objects: "" }));
    expect(recordsToPrune(many).map((r) => r.revision)).toEqual(["r10", "r11", "r12"]);
  });
  it("refuses a damaged record naming it", () => {
    expect(() => parseReleaseRecords(list({ metadata: { name: "hello-api-release-x", annotations: {} }, data: {} }))).toThrow(
      /configmap\/hello-api-release-x: not a release record Gantry wrote/,
    );
  });
});
