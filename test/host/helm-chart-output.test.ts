// A chart as output (issue 21, item 2), for real: the chart generated from an environment passes
// the real `helm lint --strict`, its `helm template` with the default values prints the objects
// `manifests` prints, object for object, and `helm package` + `helm push` put it in the real
// registry (Debian's docker-registry), where `helm pull` and `helm show chart` read it back by version.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";

import { normaliseEnvironment } from "../support/environment.js";
import { generateChart } from "../../core/kube/helm/generate.js";
import { parsePushed, planLint, planPackage, planPull, planPush, planShowChart, planTemplate } from "../../core/kube/helm/helm-tool.js";
import { imageValuesYaml } from "../../core/kube/helm/image-values.js";
import { parseRendered, planChartTemplate, renderedWorkload } from "../../core/kube/helm/rendered.js";
import { workload } from "../../core/kube/manifests/objects.js";
import { sortObjects } from "../../core/kube/manifests/yaml.js";
import { renderEnvironment } from "../../core/kube/rollout/base-objects.js";
import { planRollout, type RolloutPlan } from "../../core/kube/rollout/plan.js";
import { helmDir, mustHelm, removeHelmDirs, requireHelm } from "../support/helm.js";
import { startRegistry, type Registry } from "../support/registry.js";

const IMAGE = `ghcr.io/acme/hello-api@sha256:${"a".repeat(64)}`;
const OTHER = `ghcr.io/acme/hello-api@sha256:${"b".repeat(64)}`;

let registry: Registry;
beforeAll(async () => {
  requireHelm();
  registry = await startRegistry();
});
afterAll(async () => {
  await registry?.stop();
  removeHelmDirs();
});

const ENVIRONMENTS: Record<string, Record<string, unknown>> = {
  "rolling, config and secrets": { replicas: 3, config: { GREETING: "hi" }, secrets: ["db"], env: { LOG_LEVEL: "debug" } },
  "canary with an ingress, HPA and PDB": {
    ingress: { host: "api.example.com", tlsSecret: "api-tls" },
    hpa: { minReplicas: 2, maxReplicas: 6 },
    pdb: { minAvailable: 1 },
    strategy: { type: "canary", trafficRouter: "nginx", steps: [{ setWeight: 20 }, { pause: {} }] },
    resources: { limits: { cpu: "500m", memory: "256Mi" } },
  },
};

function plan(raw: Record<string, unknown>, image = IMAGE): RolloutPlan {
  return planRollout(workload("hello-api", image, normaliseEnvironment("staging", { namespace: "shop", ...raw }, { file: "pipelines/gantry.yaml" }), "1.4.2"));
}

/** The generated chart's files written into a directory helm's user owns. */
async function writeChart(p: RolloutPlan, version = "1.4.2"): Promise<{ home: string; dir: string }> {
  const home = await helmDir();
  const dir = join(home, "hello-api");
  for (const [path, text] of Object.entries(generateChart(p, version))) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return { home, dir };
}

const template = async (home: string, dir: string, valuesFiles: string[] = []) =>
  parseRendered((await mustHelm(planTemplate({ release: "hello-api", chart: dir, namespace: "shop", valuesFiles }), home)).stdout, "hello-api");

describe("chart: the environment as a Helm chart", () => {
  for (const [name, raw] of Object.entries(ENVIRONMENTS)) {
    it(`${name}: passes helm lint --strict, and helm template with the default values equals manifests object for object`, async () => {
      const p = plan(raw);
      const { home, dir } = await writeChart(p);
      const lint = await mustHelm(planLint(dir), home);
      expect(lint.stdout).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
      const rendered = await template(home, dir);
      expect(sortObjects(rendered)).toEqual(sortObjects(renderEnvironment(p)));
    });
  }

  it("its values set the image, replicas, resources and ingress host", async () => {
    const p = plan(ENVIRONMENTS["canary with an ingress, HPA and PDB"]!);
    const { home, dir } = await writeChart(p);
    expect(parse(readFileSync(join(dir, "values.yaml"), "utf8"))).toEqual({
      image: IMAGE,
      resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
      ingress: { host: "api.example.com" },
    });
    const values = join(home, "other.yaml");
    writeFileSync(values, `image: ${OTHER}\nresources: { requests: { cpu: 1, memory: 1Gi } }\ningress: { host: "web.example.com" }\n`);
    const objects = await template(home, dir, [values]);
    const deployment = objects.find((o) => o.kind === "Deployment") as any;
    expect(deployment.spec.template.spec.containers[0].image).toBe(OTHER);
    // helm merges a values file into the defaults, key by key: the limits stay.
    expect(deployment.spec.template.spec.containers[0].resources).toEqual({ requests: { cpu: 1, memory: "1Gi" }, limits: { cpu: "500m", memory: "256Mi" } });
    const ingress = objects.find((o) => o.kind === "Ingress") as any;
    expect(ingress.spec.rules[0].host).toBe("web.example.com");
    expect(ingress.spec.tls[0].hosts).toEqual(["web.example.com"]);

    const rolling = plan(ENVIRONMENTS["rolling, config and secrets"]!);
    const r = await writeChart(rolling);
    const replicas = join(r.home, "replicas.yaml");
    writeFileSync(replicas, "replicas: 7\n");
    expect(((await template(r.home, r.dir, [replicas])).find((o) => o.kind === "Deployment") as any).spec.replicas).toBe(7);
  });
});

describe("publish-chart: packaged with the release's version and pushed to the real registry", () => {
  it("pushes <remote>/<service>:<version>, returns its digest, and helm pull and helm show chart read it back by version", async () => {
    const { home, dir } = await writeChart(plan(ENVIRONMENTS["rolling, config and secrets"]!), "1.4.2");
    const out = join(home, "out");
    mkdirSync(out);
    await mustHelm(planPackage(dir, out, "1.4.2"), home);
    const archives = readdirSync(out);
    expect(archives).toEqual(["hello-api-1.4.2.tgz"]);
    const remote = `oci://${registry.host}/acme/charts`;
    const ran = await mustHelm(planPush(join(out, archives[0]!), remote, { plainHttp: true }), home);
    const pushed = parsePushed(`${ran.stdout}\n${ran.stderr}`);
    expect(pushed.ref).toBe(`${registry.host}/acme/charts/hello-api:1.4.2`);

    // The registry serves that manifest digest for the version's tag.
    const head = await fetch(`http://${registry.host}/v2/acme/charts/hello-api/manifests/1.4.2`, {
      method: "HEAD",
      headers: { accept: "application/vnd.oci.image.manifest.v1+json" },
    });
    expect(head.headers.get("docker-content-digest")).toBe(pushed.digest);

    const chart = `${remote}/hello-api`;
    const shown = parse((await mustHelm(planShowChart(chart, "1.4.2", { plainHttp: true }), home)).stdout);
    expect(shown).toMatchObject({ apiVersion: "v2", name: "hello-api", version: "1.4.2", appVersion: "1.4.2" });
    const pulled = join(home, "pulled");
    mkdirSync(pulled);
    const pull = await mustHelm(planPull(chart, "1.4.2", pulled, { plainHttp: true }), home);
    expect(`${pull.stdout}${pull.stderr}`).toContain(`Digest: ${pushed.digest}`);
    expect(readdirSync(pulled)).toEqual(["hello-api-1.4.2.tgz"]);
  });
});

describe("a pushed chart as an environment's input, pinned by version or by digest", () => {
  it("renders the OCI chart with the image values, the same by version and by digest", async () => {
    const home = await helmDir();
    const out = join(home, "out");
    mkdirSync(out);
    await mustHelm(planPackage(fileURLToPath(new URL("../fixtures/helm/hello-api", import.meta.url)), out, "0.1.0"), home);
    const ran = await mustHelm(planPush(join(out, "hello-api-0.1.0.tgz"), `oci://${registry.host}/fixtures`, { plainHttp: true }), home);
    const { digest } = parsePushed(`${ran.stdout}\n${ran.stderr}`);
    const imageValues = join(home, "image.yaml");
    const oci = `oci://${registry.host}/fixtures/hello-api`;
    const render = async (pin: Record<string, string>) => {
      const env = normaliseEnvironment("staging", { namespace: "shop", chart: { oci, ...pin } }, { file: "pipelines/gantry.yaml" });
      writeFileSync(imageValues, imageValuesYaml(IMAGE, env.chart!.image));
      const yaml = (await mustHelm(planChartTemplate(env, "hello-api", { repository: "/nonexistent", imageValues }, { plainHttp: true }), home)).stdout;
      return renderedWorkload(yaml, env, IMAGE);
    };
    const byVersion = await render({ version: "0.1.0" });
    const byDigest = await render({ digest });
    expect(byDigest).toEqual(byVersion);
    expect((byVersion.deployment as any).spec.template.spec.containers[0].image).toBe(IMAGE);
  });
});
