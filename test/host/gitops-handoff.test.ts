// The GitOps handoff against a real git server on loopback (git http-backend behind basic auth),
// with the core's argv run by the real git as the git image's uid: one commit per deploy, none
// for a digest already there, reproducible commits, the overlay's images: edit read back by
// kustomize itself (kubectl kustomize), the merge-request branch, and a refused token.
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";

import { gitopsCommitRollback, gitopsDeploy, gitopsPromote, type Provenance } from "../../core/kube/gitops/deploy.js";
import type { Ports } from "../../core/kube/ports.js";
import { handOff } from "../../core/kube/gitops/handoff.js";
import { renderEnvironment } from "../../core/kube/rollout/base-objects.js";
import { planRollout } from "../../core/kube/rollout/plan.js";
import { toYaml } from "../../core/kube/manifests/yaml.js";
import { workload } from "../../core/kube/manifests/objects.js";
import { environment, IMAGE_A, IMAGE_B, DIGEST_A, DIGEST_B } from "../unit/kube/fixtures.js";
import { git, startGitServer, type GitServer } from "../support/git-server.js";
import { hostGit, hostWorkspace } from "../support/gitops-workspace.js";
import { ClusterSimulation, FakeClock } from "../support/kube-simulation.js";
import { runArgv } from "../support/run.js";

const IMAGE_C = `ghcr.io/acme/hello-api@sha256:${"c".repeat(64)}`;

const TOKEN = "s3cret-token-for-the-test";
const PROVENANCE: Provenance = {
  pipeline: "hello-api (pipelines/gantry.yaml)",
  run: "v1.4.2 of 0123456789abcdef0123456789abcdef01234567",
  sourceDateEpoch: 1763769600,
};
const ROOT = fileURLToPath(new URL("../../", import.meta.url));

let server: GitServer;
beforeAll(async () => {
  if (!existsSync("/usr/lib/git-core/git-http-backend"))
    throw new Error("git (with git-http-backend) is missing: run scripts/install-apt.sh git (npm run setup)");
  server = await startGitServer(TOKEN);
});
afterAll(() => server?.stop());

let repos = 0;
function gitopsEnv(extra: Record<string, unknown> = {}, gitops: Record<string, unknown> = {}) {
  const name = `deploy-${++repos}`;
  return { name, env: environment({ gitops: { repository: server.url(name), path: "k8s/staging", credentials: "env:GITOPS_TOKEN", ...gitops }, ...extra }) };
}
const plan = (env: ReturnType<typeof environment>, image: string) => planRollout(workload("hello-api", image, env, "1.4.2"));
const commits = (name: string, branch = "main") => server.git(name, "rev-list", "--count", branch).then(Number);

describe("GitOps handoff to a real git server (git http-backend on loopback, real git as the git image's uid)", () => {
  it("commits exactly one commit per deploy, nothing for a digest already there, and says who, what and when", async () => {
    const { name, env } = gitopsEnv();
    await server.repository(name, "main", { "README.md": "deploy repository\n" });
    const git_ = hostGit(env.gitops!, PROVENANCE, TOKEN);

    const a = await gitopsDeploy(plan(env, IMAGE_A), undefined, git_, PROVENANCE);
    expect(a.verdict).toBe("promoted");
    expect(a.gitops).toMatchObject({ changed: true, branch: "main", file: "k8s/staging/hello-api.yaml" });
    expect(await commits(name)).toBe(2);
    expect(await server.git(name, "rev-parse", "main")).toBe(a.gitops!.commit);
    const committed = await server.git(name, "show", "main:k8s/staging/hello-api.yaml");
    expect(committed + "\n").toBe(toYaml(renderEnvironment(plan(env, IMAGE_A))));
    expect(parseAllDocuments(committed).map((d) => d.toJS().kind)).toContain("Deployment");
    expect(committed).toContain(IMAGE_A);
    expect(await server.git(name, "log", "-1", "--format=%an <%ae>|%cn <%ce>|%at|%ct", "main")).toBe(
      "Gantry <gantry@gantry.invalid>|Gantry <gantry@gantry.invalid>|1763769600|1763769600",
    );
    const message = await server.git(name, "log", "-1", "--format=%B", "main");
    expect(message).toContain(`deploy hello-api sha256:aaaaaaaaaaaa to staging`);
    expect(message).toContain(`Image: ${IMAGE_A}`);
    expect(message).toContain(`Pipeline: ${PROVENANCE.pipeline}`);
    expect(message).toContain(`Run: ${PROVENANCE.run}`);

    const again = await gitopsDeploy(plan(env, IMAGE_A), undefined, git_, PROVENANCE);
    expect(again.verdict).toBe("unchanged");
    expect(again.gitops).toMatchObject({ changed: false, commit: a.gitops!.commit });
    expect(await commits(name)).toBe(2);

    const b = await gitopsDeploy(plan(env, IMAGE_B), undefined, git_, PROVENANCE);
    expect(b.gitops!.changed).toBe(true);
    expect(await commits(name)).toBe(3);
    expect(await server.git(name, "rev-parse", "main~1")).toBe(a.gitops!.commit);
    expect(await server.git(name, "show", "main:k8s/staging/hello-api.yaml")).toContain(IMAGE_B);
    expect(server.refused).toBeGreaterThan(0); // git asked without credentials first, then sent the token
  });

  it("makes the same commit from the same release on the same branch (reproducible)", async () => {
    const first = gitopsEnv();
    const second = gitopsEnv();
    for (const r of [first, second]) await server.repository(r.name, "main", { "README.md": "deploy repository\n" });
    const one = await gitopsDeploy(plan(first.env, IMAGE_A), undefined, hostGit(first.env.gitops!, PROVENANCE, TOKEN), PROVENANCE);
    const two = await gitopsDeploy(plan(second.env, IMAGE_A), undefined, hostGit(second.env.gitops!, PROVENANCE, TOKEN), PROVENANCE);
    expect(await server.git(first.name, "rev-parse", "main~1")).toBe(await server.git(second.name, "rev-parse", "main~1"));
    expect(one.gitops!.commit).toBe(two.gitops!.commit);
  });

  it("pins the image in a kustomize overlay's images: and keeps the rest of the file; kustomize renders the digest", async () => {
    const { name, env } = gitopsEnv({}, { path: "k8s/overlays/production", image: "hello-api" });
    const kustomization =
      "# production overlay: only the image moves\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../../base\nimages:\n  - name: hello-api # the base's image\n    newTag: v1.0.0\n  - name: sidecar\n    newTag: '3'\n";
    const base =
      "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: hello-api\nspec:\n  selector:\n    matchLabels: {app: hello-api}\n  template:\n    metadata:\n      labels: {app: hello-api}\n    spec:\n      containers:\n        - name: app\n          image: hello-api\n";
    await server.repository(name, "main", {
      "k8s/base/kustomization.yaml": "resources:\n  - deployment.yaml\n",
      "k8s/base/deployment.yaml": base,
      "k8s/overlays/production/kustomization.yaml": kustomization,
    });
    const result = await gitopsDeploy(plan(env, IMAGE_A), undefined, hostGit(env.gitops!, PROVENANCE, TOKEN), PROVENANCE);
    expect(result.gitops).toMatchObject({ changed: true, file: "k8s/overlays/production/kustomization.yaml" });
    const edited = await server.git(name, "show", "main:k8s/overlays/production/kustomization.yaml");
    expect(edited).toContain("# production overlay: only the image moves");
    expect(edited).toContain("# the base's image");
    expect(edited).toContain("name: sidecar");
    expect(edited).not.toContain("v1.0.0");
    expect(await server.git(name, "diff", "--name-only", "main~1", "main")).toBe("k8s/overlays/production/kustomization.yaml");

    // kustomize (built into kubectl) reads the committed overlay and renders the pinned image.
    const checkout = mkdtempSync(join(tmpdir(), "gantry-gitops-checkout-"));
    await git(checkout, "clone", "--quiet", await server.git(name, "rev-parse", "--absolute-git-dir"), "repo");
    const kubectl = join(
      ROOT,
      ".tools/kube",
      `v${readFileSync(join(ROOT, "scripts/kube-versions.sh"), "utf8").match(/^KUBE_VERSION=(.+)$/m)![1]}`,
      "bin/kubectl",
    );
    if (!existsSync(kubectl)) throw new Error(`${kubectl} is missing: run scripts/install-kube.sh (npm run setup)`);
    const rendered = await runArgv([kubectl, "kustomize", join(checkout, "repo/k8s/overlays/production")], { cwd: checkout });
    expect(rendered.stderr).toBe("");
    expect(rendered.stdout).toContain(`image: ${IMAGE_A}`);

    const again = await gitopsDeploy(plan(env, IMAGE_A), undefined, hostGit(env.gitops!, PROVENANCE, TOKEN), PROVENANCE);
    expect(again.gitops!.changed).toBe(false);
    expect(await commits(name)).toBe(2);
  });

  it("in merge-request mode pushes a branch of its own per digest and leaves the synced branch alone", async () => {
    const { name, env } = gitopsEnv({}, { mode: "merge-request" });
    await server.repository(name, "main", { "README.md": "deploy repository\n" });
    const seed = await server.git(name, "rev-parse", "main");
    const git_ = hostGit(env.gitops!, PROVENANCE, TOKEN);
    const a = await gitopsDeploy(plan(env, IMAGE_A), undefined, git_, PROVENANCE);
    expect(a.gitops).toMatchObject({ changed: true, branch: `gantry/staging/${DIGEST_A.slice(7, 19)}` });
    expect(await server.git(name, "rev-parse", "main")).toBe(seed);
    expect(await server.git(name, "rev-parse", `gantry/staging/${DIGEST_A.slice(7, 19)}`)).toBe(a.gitops!.commit);
    // Pushed again: the same commit (same parent, files, author and time), so the branch does not move.
    const again = await gitopsDeploy(plan(env, IMAGE_A), undefined, git_, PROVENANCE);
    expect(again.gitops!.commit).toBe(a.gitops!.commit);
    const b = await gitopsDeploy(plan(env, IMAGE_B), undefined, git_, PROVENANCE);
    expect(b.gitops!.branch).toBe(`gantry/staging/${DIGEST_B.slice(7, 19)}`);
    expect(await server.git(name, "rev-list", "--count", b.gitops!.branch)).toBe("2");
  });

  it("rolls back by restoring the path as the deploy of a digest or a revision committed it: one commit, none when already there", async () => {
    const { name, env } = gitopsEnv();
    await server.repository(name, "main", { "README.md": "deploy repository\n" });
    const git_ = hostGit(env.gitops!, PROVENANCE, TOKEN);
    await gitopsDeploy(plan(env, IMAGE_A), undefined, git_, PROVENANCE);
    const ofA = await server.git(name, "show", "main:k8s/staging/hello-api.yaml");
    await gitopsDeploy(plan(env, IMAGE_B), undefined, git_, PROVENANCE);
    expect(await commits(name)).toBe(3);
    const back = await gitopsCommitRollback(plan(env, IMAGE_B), git_, PROVENANCE, DIGEST_A);
    expect(back.gitops!.changed).toBe(true);
    expect(await commits(name)).toBe(4);
    expect(await server.git(name, "show", "main:k8s/staging/hello-api.yaml")).toBe(ofA);
    expect(await server.git(name, "log", "-1", "--format=%s", "main")).toBe(`rollback hello-api in staging to ${DIGEST_A}`);
    expect((await gitopsCommitRollback(plan(env, IMAGE_B), git_, PROVENANCE, plan(env, IMAGE_A).revision)).gitops!.changed).toBe(false);
    expect(await commits(name)).toBe(4);
    await gitopsDeploy(plan(env, IMAGE_B), undefined, git_, PROVENANCE);
    expect((await gitopsCommitRollback(plan(env, IMAGE_B), git_, PROVENANCE, plan(env, IMAGE_A).revision)).gitops!.changed).toBe(true);
    expect(await server.git(name, "show", "main:k8s/staging/hello-api.yaml")).toBe(ofA);
    await expect(gitopsCommitRollback(plan(env, IMAGE_B), git_, PROVENANCE, IMAGE_C)).rejects.toThrow(
      /could not find the deploy of .* no commit of main under k8s\/staging has the line: @sha256:c{64}/s,
    );
  });

  it("refuses a wrong token with git's answer and commits nothing", async () => {
    const { name, env } = gitopsEnv();
    await server.repository(name, "main", { "README.md": "deploy repository\n" });
    await expect(gitopsDeploy(plan(env, IMAGE_A), undefined, hostGit(env.gitops!, PROVENANCE, "wrong-token"), PROVENANCE)).rejects.toThrow(
      /gitops: git clone exited 128: could not clone branch main of http:\/\/127\.0\.0\.1:\d+\/deploy-\d+\.git.*Authentication failed/s,
    );
    expect(await commits(name)).toBe(1);
  });

  it("writes the token to no file of the clone, and the argv names no secret", async () => {
    const { name, env } = gitopsEnv();
    await server.repository(name, "main", { "README.md": "deploy repository\n" });
    const { ws, root, argvs } = await hostWorkspace(env.gitops!, PROVENANCE, TOKEN);
    await handOff(
      {
        config: env.gitops!,
        environment: "staging",
        service: "hello-api",
        image: IMAGE_A,
        revision: plan(env, IMAGE_A).revision,
        objects: renderEnvironment(plan(env, IMAGE_A)),
        ...PROVENANCE,
      },
      ws,
      root,
    );
    expect(JSON.stringify(argvs)).not.toContain(TOKEN);
    const grep = await runArgv(["grep", "-rl", TOKEN, join(root, "repo")], { cwd: root });
    expect(grep.stdout).toBe("");
  });
});

// The canary's cluster is the recording SIMULATION here (test/support/kube-simulation.ts; the loop
// runs against a real API server in kube-rollout.test.ts); the git server and git are real.
describe("canary with GitOps: the steps on the cluster, the promoted state in git, nothing on abort", () => {
  const CANARY = {
    replicas: 4,
    progressDeadline: "60s",
    strategy: { type: "canary", steps: [{ setWeight: 25 }, { pause: { duration: "10s" } }, { setWeight: 100 }] },
  };

  it("commits once the canary is promoted, and not for a canary that aborts", async () => {
    const { name, env } = gitopsEnv(CANARY);
    await server.repository(name, "main", { "README.md": "deploy repository\n" });
    const clock = new FakeClock();
    const cluster = new ClusterSimulation(clock);
    const ports: Ports = { kubectl: cluster, clock };
    const git_ = hostGit(env.gitops!, PROVENANCE, TOKEN);

    const first = await gitopsDeploy(plan(env, IMAGE_A), ports, git_, PROVENANCE);
    expect(first.verdict).toBe("promoted");
    expect(first.gitops!.changed).toBe(true);
    expect(await commits(name)).toBe(2);

    const bad = plan(env, IMAGE_B);
    cluster.health = (r) => (r === bad.revision ? "crashloop" : "ready");
    const aborted = await gitopsDeploy(bad, ports, git_, PROVENANCE);
    expect(aborted.verdict).toBe("aborted");
    expect(aborted.gitops).toBeUndefined();
    expect(await commits(name)).toBe(2);
    expect(await server.git(name, "show", "main:k8s/staging/hello-api.yaml")).toContain(IMAGE_A);

    const paused = plan(
      environment({ ...CANARY, gitops: env.gitops, strategy: { type: "canary", steps: [{ setWeight: 25 }, { pause: {} }, { setWeight: 100 }] } }),
      IMAGE_C,
    );
    const waiting = await gitopsDeploy(paused, ports, git_, PROVENANCE);
    expect(waiting.verdict).toBe("paused");
    expect(await commits(name)).toBe(2);
    const promoted = await gitopsPromote(paused, ports, git_, PROVENANCE, false);
    expect(promoted.verdict).toBe("promoted");
    expect(promoted.gitops!.changed).toBe(true);
    expect(await commits(name)).toBe(3);
    expect(await server.git(name, "show", "main:k8s/staging/hello-api.yaml")).toContain(IMAGE_C);
  });
});
