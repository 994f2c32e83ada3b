// A chart as input (issue 21, item 1), for real: the fixture chart (`helm create`'s layout:
// Deployment, Service, HPA, ServiceAccount, _helpers.tpl) rendered by the real helm with the core's
// argv, as helm's uid, then checked by server-side dry-run and rolled out by Gantry's loop on the
// real control plane (kwok runs the pods; gantry.dev/simulate=crashloop pods crash).
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { normaliseEnvironment } from "../support/environment.js";
import { planTemplate } from "../../core/kube/helm/helm-tool.js";
import { imageValuesYaml } from "../../core/kube/helm/image-values.js";
import { parseRendered, planChartTemplate, renderedWorkload } from "../../core/kube/helm/rendered.js";
import type { Environment } from "../../core/kube/config/types.js";
import { workload } from "../../core/kube/manifests/objects.js";
import { weightsOf } from "../../core/kube/report.js";
import { planRollout, type RolloutPlan } from "../../core/kube/rollout/plan.js";
import { runRollout } from "../../core/kube/runner.js";
import { startCluster, type Cluster } from "../support/cluster.js";
import { helmDir, mustHelm, removeHelmDirs, requireHelm } from "../support/helm.js";
import { clusterPorts, find, installGatewayApi, restrictedNamespace } from "../support/kube-host.js";

const FIXTURE = fileURLToPath(new URL("../fixtures/helm/", import.meta.url));
const image = (c: string) => `ghcr.io/acme/hello-api@sha256:${c.repeat(64)}`;
const GOOD_A = image("a");
const GOOD_B = image("b");
const BAD_C = image("c");

let cluster: Cluster;
let repository: string;

beforeAll(async () => {
  requireHelm();
  // The repository the chart and its values files are read from: the fixture, plus the values of a bad canary and a bad chart.
  repository = mkdtempSync(join(tmpdir(), "gantry-chart-repo-"));
  cpSync(FIXTURE, repository, { recursive: true });
  writeFileSync(join(repository, "values-crashloop.yaml"), "podLabels:\n  gantry.dev/simulate: crashloop\n");
  writeFileSync(join(repository, "values-invalid.yaml"), "service:\n  type: Bogus\n");
  cluster = await startCluster();
  await installGatewayApi(cluster);
});
afterAll(async () => {
  await cluster?.stop();
  removeHelmDirs();
  if (repository) rmSync(repository, { recursive: true, force: true });
});

// The chart's HPA owns the replicas, so the canary's weight goes through a router (the replica
// ratio would fight the HPA): Gateway API, whose CRDs the test control plane has.
const CANARY = {
  progressDeadline: "20s",
  maxRestarts: 2,
  strategy: {
    type: "canary",
    trafficRouter: { type: "gatewayApi", gateway: "public", gatewayNamespace: "gateways", hostnames: ["api.example.com"] },
    steps: [{ setWeight: 5 }, { setWeight: 50 }, { setWeight: 100 }],
  },
};

function environment(namespace: string, values: string[] = []): Environment {
  return normaliseEnvironment(
    "staging",
    { namespace, ...CANARY, chart: { path: "hello-api", values: ["values-staging.yaml", ...values] } },
    { file: "pipelines/gantry.yaml" },
  );
}

/** `helm template` with the core's argv and the image values file, as helm's user; its stdout. */
async function render(env: Environment, img: string): Promise<string> {
  const home = await helmDir();
  const imageValues = join(home, "image-values.yaml");
  writeFileSync(imageValues, imageValuesYaml(img, env.chart!.image));
  return (await mustHelm(planChartTemplate(env, "hello-api", { repository, imageValues }), home)).stdout;
}

async function plan(env: Environment, img: string): Promise<RolloutPlan> {
  return planRollout(workload("hello-api", img, env), { chart: renderedWorkload(await render(env, img), env, img), pollMs: 300 });
}

/** Paths where two JSON values differ. */
function differences(a: unknown, b: unknown, path = ""): string[] {
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return Object.is(a, b) ? [] : [path];
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].flatMap((k) => differences((a as any)[k], (b as any)[k], `${path}/${k}`));
}

describe("a chart as input, rendered by the real helm", () => {
  it("sets the pushed digest through image.repository and image.digest and changes nothing else in the chart's objects", async () => {
    const env = environment("shop");
    const home = await helmDir();
    const plain = await mustHelm(
      planTemplate({ release: "hello-api", chart: join(repository, "hello-api"), namespace: "shop", valuesFiles: [join(repository, "values-staging.yaml")] }),
      home,
    );
    const without = parseRendered(plain.stdout, "hello-api");
    const withImage = parseRendered(await render(env, GOOD_A), "hello-api");
    expect(withImage.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(without.map((o) => `${o.kind}/${o.metadata.name}`));
    expect(withImage.map((o) => o.kind).sort()).toEqual(["Deployment", "HorizontalPodAutoscaler", "Pod", "Service", "ServiceAccount"]);
    expect(differences(without, withImage)).toEqual(["/2/spec/template/spec/containers/0/image"]);
    expect((withImage[2] as any).spec.template.spec.containers[0].image).toBe(GOOD_A);
    // Through image.tag instead (a chart that writes repository:tag): the tag carries the digest.
    const byTag = normaliseEnvironment(
      "staging",
      { namespace: "shop", chart: { path: "hello-api", values: ["values-staging.yaml"], image: { tag: "image.tag" } } },
      { file: "pipelines/gantry.yaml" },
    );
    const tagged = renderedWorkload(await render(byTag, GOOD_A), byTag, GOOD_A);
    expect((tagged.deployment as any).spec.template.spec.containers[0].image).toBe(`ghcr.io/acme/hello-api:pinned@sha256:${"a".repeat(64)}`);
    // The chart's test Pod is a helm hook: a rollout leaves it out.
    expect(
      renderedWorkload(await render(env, GOOD_A), env, GOOD_A)
        .objects.map((o) => o.kind)
        .sort(),
    ).toEqual(["HorizontalPodAutoscaler", "Service", "ServiceAccount"]);
  });

  it("canaries 5% -> 50% -> 100% on the real control plane and promotes; the applied objects are the chart's", async () => {
    const ns = await restrictedNamespace(cluster, "chart-canary");
    const first = await runRollout(await plan(environment(ns), GOOD_A), clusterPorts(cluster));
    expect(first.verdict, first.reason).toBe("promoted");
    const b = await plan(environment(ns), GOOD_B);
    const report = await runRollout(b, clusterPorts(cluster));
    expect(report.verdict, report.reason).toBe("promoted");
    expect(weightsOf(report).filter((w) => w > 0)).toEqual([5, 50, 100]);

    const live = await find(cluster, ns, "deployment/hello-api");
    expect(live.spec.template.spec.containers[0].image).toBe(GOOD_B);
    expect(live.spec.template.metadata.annotations["gantry.dev/revision"]).toBe(b.revision);
    // What Gantry applied of the chart's Deployment: the rendered object, plus the revision annotation and the stable's track label (the HTTPRoute's stable Service selects by it).
    const rendered = structuredClone(b.chart!.deployment) as any;
    expect(live.spec.template.spec).toMatchObject(rendered.spec.template.spec);
    expect(live.spec.selector).toEqual(rendered.spec.selector);
    expect(live.spec.template.metadata.labels).toEqual({ ...rendered.spec.template.metadata.labels, "gantry.dev/track": "stable" });
    for (const o of b.chart!.objects) {
      const applied = await find(cluster, ns, `${o.kind.toLowerCase()}/${o.metadata.name}`);
      expect(applied.metadata.labels, `${o.kind}/${o.metadata.name}`).toEqual(o.metadata.labels);
      if (o.kind === "HorizontalPodAutoscaler" || o.kind === "ServiceAccount") expect(applied).toMatchObject(o);
    }
    expect(await find(cluster, ns, "deployment/hello-api-canary")).toBeUndefined();
    expect((await find(cluster, ns, "httproute/hello-api")).spec.rules[0].backendRefs.map((r: any) => [r.name, r.weight])).toEqual([
      ["hello-api", 100],
      ["hello-api-canary", 0],
    ]);
  });

  it("aborts a bad canary: the stable keeps its revision, no canary is left", async () => {
    const ns = await restrictedNamespace(cluster, "chart-abort");
    const a = await plan(environment(ns), GOOD_A);
    expect((await runRollout(a, clusterPorts(cluster))).verdict).toBe("promoted");
    const bad = await plan(environment(ns, ["values-crashloop.yaml"]), BAD_C);
    const report = await runRollout(bad, clusterPorts(cluster));
    expect(report.verdict).toBe("aborted");
    expect(report.reason).toMatch(/crash loop/);
    const stable = await find(cluster, ns, "deployment/hello-api");
    expect(stable.spec.template.metadata.annotations["gantry.dev/revision"]).toBe(a.revision);
    expect(stable.spec.template.spec.containers[0].image).toBe(GOOD_A);
    expect(await find(cluster, ns, "deployment/hello-api-canary")).toBeUndefined();
    expect(await find(cluster, ns, "service/hello-api-canary")).toBeUndefined();
  });

  it("rolling: the chart's Deployment itself takes the new digest", async () => {
    const ns = await restrictedNamespace(cluster, "chart-rolling");
    const rolling = normaliseEnvironment(
      "staging",
      { namespace: ns, progressDeadline: "20s", chart: { path: "hello-api", values: ["values-staging.yaml"] } },
      { file: "pipelines/gantry.yaml" },
    );
    expect((await runRollout(await plan(rolling, GOOD_A), clusterPorts(cluster))).verdict).toBe("promoted");
    const b = await plan(rolling, GOOD_B);
    const report = await runRollout(b, clusterPorts(cluster));
    expect(report.verdict, report.reason).toBe("promoted");
    const live = await find(cluster, ns, "deployment/hello-api");
    expect(live.spec.template.spec.containers[0].image).toBe(GOOD_B);
    // Rolling needs no track: the chart's pod labels are exactly its own.
    expect(live.spec.template.metadata.labels).toEqual((b.chart!.deployment as any).spec.template.metadata.labels);
    expect((await runRollout(b, clusterPorts(cluster))).verdict).toBe("unchanged");
  });

  it("blue-green: the colours are copies of the chart's Deployment; its Service and HPA switch to the new one", async () => {
    const ns = await restrictedNamespace(cluster, "chart-bg");
    const blueGreen = (values: string[] = []) =>
      normaliseEnvironment(
        "staging",
        {
          namespace: ns,
          progressDeadline: "20s",
          maxRestarts: 2,
          strategy: { type: "blueGreen", scaleDownDelay: "1s" },
          chart: { path: "hello-api", values: ["values-staging.yaml", ...values] },
        },
        { file: "pipelines/gantry.yaml" },
      );
    const a = await plan(blueGreen(), GOOD_A);
    expect((await runRollout(a, clusterPorts(cluster))).verdict).toBe("promoted");
    const b = await plan(blueGreen(), GOOD_B);
    const report = await runRollout(b, clusterPorts(cluster));
    expect(report.verdict, report.reason).toBe("promoted");
    const service = await find(cluster, ns, "service/hello-api");
    expect(service.spec.selector).toEqual({ ...b.chart!.selector, "gantry.dev/track": "green" });
    expect((await find(cluster, ns, "horizontalpodautoscaler/hello-api")).spec.scaleTargetRef.name).toBe("hello-api-green");
    const green = await find(cluster, ns, "deployment/hello-api-green");
    expect(green.spec.template.spec.containers[0].image).toBe(GOOD_B);
    expect((await find(cluster, ns, "deployment/hello-api-blue")).spec.replicas).toBe(0);
    expect(await find(cluster, ns, "deployment/hello-api")).toBeUndefined();

    const bad = await runRollout(await plan(blueGreen(["values-crashloop.yaml"]), BAD_C), clusterPorts(cluster));
    expect(bad.verdict).toBe("aborted");
    expect((await find(cluster, ns, "service/hello-api")).spec.selector["gantry.dev/track"]).toBe("green");
  });

  it("into a missing namespace: named as the failure, or created with createNamespace", async () => {
    const ns = `chart-new-${process.pid}`;
    const env = (create: boolean) =>
      normaliseEnvironment(
        "staging",
        { namespace: ns, createNamespace: create, progressDeadline: "20s", chart: { path: "hello-api", values: ["values-staging.yaml"] } },
        { file: "pipelines/gantry.yaml" },
      );
    const refused = await runRollout(await plan(env(false), GOOD_A), clusterPorts(cluster));
    expect(refused.verdict).toBe("error");
    expect(refused.reason).toMatch(new RegExp(`namespace ${ns} of environment staging does not exist`));
    const created = await runRollout(await plan(env(true), GOOD_A), clusterPorts(cluster));
    expect(created.verdict, created.reason).toBe("promoted");
    expect((await find(cluster, ns, "deployment/hello-api")).spec.template.spec.containers[0].image).toBe(GOOD_A);
  });

  it("refuses a chart the API server refuses (server-side dry-run), before applying anything", async () => {
    const ns = await restrictedNamespace(cluster, "chart-invalid");
    const report = await runRollout(await plan(environment(ns, ["values-invalid.yaml"]), GOOD_A), clusterPorts(cluster));
    expect(report.verdict).toBe("error");
    expect(report.reason).toMatch(/the chart's objects fail the server-side dry-run: .*Unsupported value: "Bogus"/s);
    expect(report.actions).toEqual([]);
    expect(await find(cluster, ns, "deployment/hello-api")).toBeUndefined();
  });
});
