// Wiring of the chart functions (dagger/helm.ts, dagger/chart.ts) against the Dagger SIMULATION:
// which helm container each asks for, as which user, with which files and argv. What helm does with
// them is checked for real in test/host/helm-*.test.ts.
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { dag, type Directory } from "@dagger.io/dagger";
import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@dagger.io/dagger", () => import("../support/dagger-simulation.js"));

import { Gantry } from "../../src/index.js";
import { simulation, tree, type SimNode } from "../support/dagger-simulation.js";

const EXAMPLE = fileURLToPath(new URL("../../examples/hello-api/", import.meta.url));
const IMAGE = `ghcr.io/acme/hello-api@sha256:${"a".repeat(64)}`;
const DIGEST = `sha256:${"c".repeat(64)}`;

function repository(pipeline: string): Directory {
  const root = mkdtempSync(join(tmpdir(), "gantry-helm-wiring-"));
  cpSync(EXAMPLE, join(root, "services/api"), { recursive: true });
  mkdirSync(join(root, "pipelines"));
  writeFileSync(join(root, "pipelines/gantry.yaml"), pipeline);
  return simulation.hostDirectory(root);
}

const gantry = (version = "") => new Gantry("pipelines/gantry.yaml", "", version, "0123456789abcdef0123456789abcdef01234567", 1_763_769_600);
const PIPELINE = "name: hello-api\nsource: services/api\nenvironments:\n  staging:\n    namespace: shop\n";
const CHART_PIPELINE = `${PIPELINE}    chart: { path: deploy/chart, values: [deploy/staging.yaml] }\n`;

/** A Deployment and its Service as helm template would print them, running `image`. */
const rendered = (image: string) => `---
# Source: hello-api/templates/service.yaml
apiVersion: v1
kind: Service
metadata: { name: hello-api, labels: { app.kubernetes.io/name: hello-api } }
spec: { selector: { app.kubernetes.io/name: hello-api }, ports: [{ port: 80 }] }
---
# Source: hello-api/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata: { name: hello-api, labels: { app.kubernetes.io/name: hello-api } }
spec:
  replicas: 2
  selector: { matchLabels: { app.kubernetes.io/name: hello-api } }
  template:
    metadata: { labels: { app.kubernetes.io/name: hello-api } }
    spec: { containers: [{ name: api, image: "${image}" }] }
`;

const helmRuns = (): SimNode[] =>
  simulation
    .askedFor("Container.stdout")
    .map((q) => q.on!)
    .filter((c) => c.calls("from")[0]?.args[0] === "alpine/helm:4.3.2");

beforeEach(() => simulation.reset());

describe("wiring: helm in its pinned image, as the image's user", () => {
  it("chart: the generated files, checked by helm lint --strict on the chart mounted as helm's user", async () => {
    const chart = await gantry("1.4.2").environment(repository(PIPELINE), "staging").chart(IMAGE);
    const files = [...tree(simulation.node(chart))!.keys()].sort();
    expect(files).toContain("Chart.yaml");
    expect(files).toContain("values.yaml");
    expect(files.filter((f) => f.startsWith("templates/")).length).toBeGreaterThan(1);
    const [lint] = helmRuns();
    expect(lint!.lastExec()).toEqual({ argv: ["lint", "--strict", "/gantry/chart"], options: { useEntrypoint: true } });
    expect(lint!.calls("withUser").map((c) => c.args[0])).toEqual(["0:0"]);
    expect(lint!.calls("withMountedDirectory").map((c) => c.args[0])).toEqual(["/gantry/chart"]);
    expect(lint!.envVariables()).toMatchObject({ HELM_CACHE_HOME: "/tmp/gantry-helm/cache" });
  });

  it("an environment with a chart: helm template of the repository's chart, its values files, then the image's", async () => {
    simulation.reset((q) => (q.what === "Container.stdout" && q.on!.lastExec()?.argv[0] === "template" ? rendered(IMAGE) : undefined));
    const manifests = await gantry().environment(repository(CHART_PIPELINE), "staging").manifests(IMAGE);
    const [template] = helmRuns();
    expect(template!.lastExec()!.argv).toEqual([
      "template",
      "hello-api",
      "/gantry/src/deploy/chart",
      "--namespace",
      "shop",
      "--values",
      "/gantry/src/deploy/staging.yaml",
      "--values",
      "/gantry/image-values.yaml",
    ]);
    expect(template!.calls("withNewFile").map((c) => c.args)).toEqual([
      ["/gantry/image-values.yaml", `image:\n  repository: ghcr.io/acme/hello-api\n  digest: sha256:${"a".repeat(64)}\n`, { owner: "0:0", permissions: 0o644 }],
    ]);
    expect([...tree(simulation.node(manifests))!.keys()]).toEqual(["staging.yaml"]);
  });

  it("an environment whose chart ignores the image values fails naming them, before anything runs against a cluster", async () => {
    simulation.reset((q) => (q.what === "Container.stdout" && q.on!.lastExec()?.argv[0] === "template" ? rendered("nginx:1.27") : undefined));
    await expect(gantry().environment(repository(CHART_PIPELINE), "staging").manifests(IMAGE)).rejects.toThrow(
      /the chart does not read the values image\.repository and image\.digest/,
    );
  });

  it("publish-chart: packages with the release's version, pushes over plain HTTP to a registry service, returns the digest", async () => {
    simulation.reset((q) => {
      if (q.what === "Directory.entries" && q.on!.call.method === "directory" && q.on!.call.args[0] === "/gantry/out") return ["hello-api-1.4.2.tgz"];
      if (q.what === "Container.stdout" && q.on!.lastExec()?.argv[0] === "push") return `Pushed: registry:5000/charts/hello-api:1.4.2\nDigest: ${DIGEST}\n`;
      return undefined;
    });
    // @dagger.io/dagger is the simulation here (vi.mock above): a recorded service, typed as the SDK's.
    const registry = dag.container().from("registry:3.0.0").asService();
    const digest = await gantry("1.4.2")
      .environment(repository(PIPELINE), "staging")
      .publishChart(IMAGE, "oci://registry:5000/charts", "", undefined, registry);
    expect(digest).toBe(DIGEST);
    const push = helmRuns().find((c) => c.lastExec()!.argv[0] === "push")!;
    expect(push.execs().map((e) => e.argv)).toEqual([
      ["package", "/gantry/chart", "--destination", "/gantry/out", "--version", "1.4.2", "--app-version", "1.4.2"],
      ["push", "/gantry/out/hello-api-1.4.2.tgz", "oci://registry:5000/charts", "--plain-http"],
    ]);
    expect(push.calls("withServiceBinding").map((c) => c.args[0])).toEqual(["registry"]);
  });
});
