// The GitOps handoff's container (dagger/gitops.ts) against the Dagger SIMULATION: which image, user,
// secret, files and argv it asks for. The real git against a real git server runs the same core
// argv in test/host/gitops-handoff.test.ts.
import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@dagger.io/dagger", () => import("../support/dagger-simulation.js"));

import { handOff } from "../../core/kube/gitops/handoff.js";
import { simulation } from "../support/dagger-simulation.js";
import { environment, IMAGE_A } from "../unit/kube/fixtures.js";

beforeEach(() => simulation.reset());

describe("wiring: git for the GitOps handoff (simulation)", () => {
  it("runs the core's clone and commit argv in the pinned git image, as its user, the token a 0400 secret, never from the cache", async () => {
    const { containerGit, GIT_IMAGE } = await import("../../dagger/gitops.js");
    const sha = "c".repeat(40);
    simulation.reset((q) =>
      q.what === "Container.exists"
        ? false
        : q.what === "Container.stdout"
          ? (q.on!.lastExec()!.argv as string[])[3] === "gantry-gitops-commit"
            ? `commit=${sha}\n`
            : ""
          : undefined,
    );
    const config = environment({
      gitops: { repository: "https://git.example.com/team/deploy.git", path: "k8s/staging", credentials: "env:GITOPS_TOKEN" },
    }).gitops!;
    const git = containerGit(config, { pipeline: "hello-api", run: "version 1.0.0", sourceDateEpoch: 1763769600 });
    const { ws, root } = await git.workspace();
    const result = await handOff(
      {
        config,
        environment: "staging",
        service: "hello-api",
        image: IMAGE_A,
        revision: "r1",
        objects: [],
        pipeline: "hello-api",
        run: "version 1.0.0",
        sourceDateEpoch: 1763769600,
      },
      ws,
      root,
    );
    expect(result).toMatchObject({ commit: sha, changed: true, branch: "main", file: "k8s/staging/hello-api.yaml" });

    const [clone, commit] = simulation.askedFor("Container.exitCode").map((a) => a.on!);
    expect(clone!.calls("from").map((c) => c.args[0])).toEqual([GIT_IMAGE]);
    expect(clone!.calls("withUser").map((c) => c.args[0])).toEqual(["0:0"]);
    expect(clone!.calls("withMountedSecret").map((c) => [c.args[0], c.args[2]])).toEqual([["/gitops/secrets/token", { owner: "0:0", mode: 0o400 }]]);
    expect(clone!.lastExec()!.argv).toEqual(["sh", "-c", expect.any(String), "gantry-gitops-clone", "main", config.repository, "/gitops/repo"]);
    expect(clone!.calls("withEnvVariable").map((c) => c.args)).toContainEqual(["GIT_AUTHOR_DATE", "@1763769600 +0000"]);
    expect(clone!.calls("withEnvVariable").some((c) => c.args[0] === "GANTRY_GITOPS_CALL")).toBe(true);
    expect(commit!.calls("withNewFile").map((c) => [c.args[0], (c.args[2] as { permissions: number }).permissions])).toEqual([
      ["/gitops/repo/k8s/staging/hello-api.yaml", 0o644],
      ["/gitops/message", 0o644],
    ]);
    expect((commit!.lastExec()!.argv as string[]).slice(3)).toEqual(["gantry-gitops-commit", "/gitops/repo", "k8s/staging", "main", "/gitops/message", ""]);
  });
});
