// The chart settings, the image values, the rendered objects' reading and the chart's workload as
// a rollout takes it, engine-free. Real helm runs these in test/host/helm-*.test.ts.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { describe, expect, it } from "vitest";

import { planChartTemplate, parseRendered, renderedWorkload, selectWorkload } from "../../../core/kube/helm/rendered.js";
import { imageValues, imageValuesYaml, requireImageSet } from "../../../core/kube/helm/image-values.js";
import { HELM_IMAGE, HELM_VERSION, parsePushed, planLint, planPush, ociRemote } from "../../../core/kube/helm/helm-tool.js";
import { toolAccess } from "../../../core/tool-access.js";
import { chartVersion } from "../../../core/kube/helm/generate.js";
import { chartDeployment, chartBaseObjects } from "../../../core/kube/rollout/chart.js";
import { deploymentFor, planRollout } from "../../../core/kube/rollout/plan.js";
import { baseObjects } from "../../../core/kube/rollout/base-objects.js";
import { workload } from "../../../core/kube/manifests/objects.js";
import { DIGEST_A, environment, IMAGE_A } from "./fixtures.js";

const CHART = { chart: { path: "deploy/chart" } };

function rendered(image: string, extra = ""): string {
  return `---
# Source: hello/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: shop-hello
  labels: { app.kubernetes.io/name: hello, app.kubernetes.io/instance: shop }
spec:
  selector: { app.kubernetes.io/name: hello, app.kubernetes.io/instance: shop }
  ports: [{ port: 80, targetPort: http }]
---
# Source: hello/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop-hello
  labels: { app.kubernetes.io/name: hello, app.kubernetes.io/instance: shop }
spec:
  replicas: 4
  selector:
    matchLabels: { app.kubernetes.io/name: hello, app.kubernetes.io/instance: shop }
  template:
    metadata:
      labels: { app.kubernetes.io/name: hello, app.kubernetes.io/instance: shop }
    spec:
      containers: [{ name: hello, image: "${image}" }]
${extra}`;
}

describe("the chart setting", () => {
  it("takes a directory, or an OCI chart pinned by version or digest, with the default image paths", () => {
    expect(environment(CHART).chart).toEqual({
      source: { kind: "path", path: "deploy/chart" },
      values: [],
      image: { repository: "image.repository", digest: "image.digest" },
    });
    expect(environment({ chart: { oci: "oci://ghcr.io/acme/charts/api", version: "1.2.3", image: { tag: "image.tag" }, workload: "api" } }).chart).toEqual({
      source: { kind: "oci", ref: "oci://ghcr.io/acme/charts/api", version: "1.2.3" },
      values: [],
      image: { repository: "image.repository", tag: "image.tag" },
      workload: "api",
    });
  });

  it("refuses what would deploy something else than named, with the field path", () => {
    expect(() => environment({ chart: { oci: "oci://ghcr.io/acme/charts/api" } })).toThrow(
      /environments\.staging\.chart\.oci: pin the OCI chart by version: or digest:/,
    );
    expect(() => environment({ chart: { path: "c", oci: "oci://ghcr.io/acme/charts/api", version: "1" } })).toThrow(/one of the two/);
    expect(() => environment({ chart: { path: "c", version: "1" } })).toThrow(/chart\.version: pins an OCI chart only/);
    expect(() => environment({ chart: { path: "../elsewhere" } })).toThrow(/chart\.path: expected a path inside the repository/);
    expect(() => environment({ chart: { path: "c", values: ["/etc/passwd"] } })).toThrow(/chart\.values\[0\]: expected a path inside the repository/);
    expect(() => environment({ chart: { path: "c", image: { repository: "image..repo" } } })).toThrow(/expected a values path/);
  });
});

describe("the image values", () => {
  it("set repository and digest, or repository and a tag carrying the digest", () => {
    expect(imageValues(IMAGE_A, { repository: "image.repository", digest: "image.digest" })).toEqual({
      image: { repository: "ghcr.io/acme/hello-api", digest: DIGEST_A },
    });
    expect(imageValues(IMAGE_A, { repository: "app.image.repo", tag: "app.image.tag" }, "1.4.2")).toEqual({
      app: { image: { repo: "ghcr.io/acme/hello-api", tag: `1.4.2@${DIGEST_A}` } },
    });
    expect(imageValuesYaml(IMAGE_A, { repository: "image.repository", digest: "image.digest" })).toBe(
      `image:\n  repository: ghcr.io/acme/hello-api\n  digest: ${DIGEST_A}\n`,
    );
  });

  it("refuses a tag-only image and overlapping paths", () => {
    expect(() => imageValues("ghcr.io/acme/hello-api:1.0", { repository: "image.repository", digest: "image.digest" })).toThrow(/has no digest/);
    expect(() => imageValues(IMAGE_A, { repository: "image", digest: "image.digest" })).toThrow(/overlap at image/);
  });

  it("are checked on the rendered Deployment: a chart that ignores them is an error naming the paths", () => {
    const [, d] = parseRendered(rendered("ghcr.io/acme/hello-api:latest"), "c");
    expect(() => requireImageSet(d!, IMAGE_A, { repository: "image.repository", digest: "image.digest" })).toThrow(
      /Deployment shop-hello runs ghcr.io\/acme\/hello-api:latest, not ghcr.io\/acme\/hello-api@sha256:a{64}: the chart does not read the values image.repository and image.digest/,
    );
    const [, ok] = parseRendered(rendered(IMAGE_A), "c");
    expect(() => requireImageSet(ok!, IMAGE_A, { repository: "image.repository", digest: "image.digest" })).not.toThrow();
  });
});

describe("helm template's output", () => {
  it("is read object by object; a document that is no object names its template", () => {
    expect(parseRendered(rendered(IMAGE_A), "c").map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(["Service/shop-hello", "Deployment/shop-hello"]);
    expect(() => parseRendered("---\n# Source: hello/templates/bad.yaml\nkind: Nothing\n", "c")).toThrow(
      /^hello\/templates\/bad\.yaml \(as rendered\): a document that is not a Kubernetes object/,
    );
    expect(() => parseRendered("---\n# Source: hello/templates/bad.yaml\na: [\n", "c")).toThrow(/^hello\/templates\/bad\.yaml \(as rendered\):\d+: /);
    const bomb =
      "---\n# Source: hello/templates/bomb.yaml\na: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n";
    expect(() => parseRendered(bomb, "c")).toThrow(/^hello\/templates\/bomb\.yaml \(as rendered\): its aliases expand to too many nodes/);
  });

  it("names the workload explicitly when the chart renders several Deployments", () => {
    const objects = parseRendered(rendered(IMAGE_A, `---\napiVersion: apps/v1\nkind: Deployment\nmetadata: { name: worker }\nspec: {}\n`), "c");
    expect(() => selectWorkload(objects, undefined, "c")).toThrow(/c renders 2 Deployments \(shop-hello, worker\); name the one to roll out with workload:/);
    expect(selectWorkload(objects, "worker", "c").metadata.name).toBe("worker");
    expect(() => selectWorkload(objects, "api", "c")).toThrow(/renders no Deployment named api \(it renders: shop-hello, worker\)/);
  });

  it("is made by the argv helm template runs: values files in order, the image's last", () => {
    const env = environment({ chart: { path: "deploy/chart", values: ["deploy/staging.yaml"], release: "shop" } });
    expect(planChartTemplate(env, "hello-api", { repository: "/src", imageValues: "/gantry/image.yaml" }).args).toEqual([
      "template",
      "shop",
      "/src/deploy/chart",
      "--namespace",
      "shop",
      "--values",
      "/src/deploy/staging.yaml",
      "--values",
      "/gantry/image.yaml",
    ]);
    const oci = environment({ chart: { oci: "oci://ghcr.io/acme/charts/api", digest: DIGEST_A } });
    expect(planChartTemplate(oci, "hello-api", { repository: "/src", imageValues: "/i.yaml" }, { plainHttp: true }).args).toEqual([
      "template",
      "hello-api",
      `oci://ghcr.io/acme/charts/api@${DIGEST_A}`,
      "--namespace",
      "shop",
      "--values",
      "/i.yaml",
      "--plain-http",
    ]);
  });
});

describe("the chart's Deployment in a rollout", () => {
  const env = environment({ ...CHART, strategy: { type: "canary", steps: [{ setWeight: 5 }, { setWeight: 50 }] } });
  const plan = planRollout(workload("hello-api", IMAGE_A, env), { chart: renderedWorkload(rendered(IMAGE_A), env, IMAGE_A) });

  it("is named after the chart's Deployment and starts from its replicas", () => {
    expect(plan.names.stable).toBe("shop-hello");
    expect(plan.names.canary).toBe("shop-hello-canary");
    expect(plan.workload.env.replicas).toBe(4);
    expect(plan.selector).toEqual({ "app.kubernetes.io/name": "hello" });
    expect(plan.workload.service).toBe("hello");
  });

  it("stable: the chart's own object, with the revision annotation alone added", () => {
    const stable = deploymentFor(plan, "stable", 4) as any;
    const original = structuredClone(plan.chart!.deployment) as any;
    original.spec.template.metadata.annotations = { "gantry.dev/revision": plan.revision };
    expect(stable).toEqual(original);
  });

  it("canary: a copy under its own name, selector and pod label, never sharing pods with the stable", () => {
    const canary = deploymentFor(plan, "canary", 1) as any;
    expect(canary.metadata.name).toBe("shop-hello-canary");
    expect(canary.spec.replicas).toBe(1);
    expect(canary.spec.selector.matchLabels).toEqual({ ...plan.chart!.selector, "gantry.dev/track": "canary" });
    expect(canary.spec.template.metadata.labels["gantry.dev/track"]).toBe("canary");
  });

  it("the chart's other objects go out unchanged, and the canary gets a Service of its own", () => {
    const objects = baseObjects(plan, { routeWeight: 0 });
    expect(objects[0]).toEqual(plan.chart!.objects[0]);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(["Service/shop-hello", "Service/shop-hello-canary"]);
    expect((objects[1] as any).spec.selector).toEqual({ ...plan.chart!.selector, "gantry.dev/track": "canary" });
    expect(chartBaseObjects(plan.chart!, {})).toEqual(plan.chart!.objects);
    expect(chartDeployment(plan.chart!, "stable", "x", "r", { labelStable: false }).spec).not.toHaveProperty("replicas");
  });

  it("blue-green: the colours are copies of the chart's Deployment, its Service selects the active one and its HPA scales it", () => {
    const hpa = `---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: { name: shop-hello }\nspec: { scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: shop-hello }, minReplicas: 2, maxReplicas: 4 }\n`;
    const bg = environment({ ...CHART, strategy: { type: "blueGreen" } });
    const p = planRollout(workload("hello-api", IMAGE_A, bg), { chart: renderedWorkload(rendered(IMAGE_A, hpa), bg, IMAGE_A) });
    const objects = baseObjects(p, { activeColour: "green", routeWeight: 0 }) as any[];
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(["Service/shop-hello", "HorizontalPodAutoscaler/shop-hello"]);
    expect(objects[0].spec.selector).toEqual({ ...p.chart!.selector, "gantry.dev/track": "green" });
    expect(objects[1].spec.scaleTargetRef).toEqual({ apiVersion: "apps/v1", kind: "Deployment", name: "shop-hello-green" });
    const blue = deploymentFor(p, "blue", 2) as any;
    expect([blue.metadata.name, blue.spec.replicas, blue.spec.selector.matchLabels["gantry.dev/track"]]).toEqual(["shop-hello-blue", 2, "blue"]);
  });

  it("refuses a chart without a Service of the Deployment's name", () => {
    const noService = rendered(IMAGE_A).replace("name: shop-hello\n  labels", "name: other\n  labels");
    expect(() => renderedWorkload(noService, env, IMAGE_A)).toThrow(/no Service named shop-hello selects the pods of Deployment shop-hello/);
    const hpa = `---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: { name: shop-hello }\nspec: { scaleTargetRef: { name: shop-hello }, minReplicas: 2, maxReplicas: 4 }\n`;
    const replicas = environment({ ...CHART, strategy: { type: "canary" } });
    expect(() => planRollout(workload("hello-api", IMAGE_A, replicas), { chart: renderedWorkload(rendered(IMAGE_A, hpa), replicas, IMAGE_A) })).toThrow(
      /the chart's HPA shop-hello and the replicas traffic router would fight/,
    );
  });
});

describe("the pinned helm", () => {
  it("is the version scripts/install-helm.sh builds, run from alpine/helm as root (its image declares no USER)", () => {
    const script = readFileSync(fileURLToPath(new URL("../../../scripts/install-helm.sh", import.meta.url)), "utf8");
    expect(`v${/^VERSION=(\S+)$/m.exec(script)![1]}`).toBe(HELM_VERSION);
    expect(HELM_IMAGE).toBe(`alpine/helm:${HELM_VERSION.slice(1)}`);
    expect(toolAccess("helm")).toMatchObject({ uid: 0, gid: 0, user: "0:0" });
  });

  it("keeps its state out of the image's $HOME and reads logins from the docker config crane uses", () => {
    expect(planLint("/c").env).toEqual({
      HELM_CACHE_HOME: "/tmp/gantry-helm/cache",
      HELM_CONFIG_HOME: "/tmp/gantry-helm/config",
      HELM_DATA_HOME: "/tmp/gantry-helm/data",
    });
    expect(planPush("/a.tgz", "oci://r/c", { authenticated: true }).env["HELM_REGISTRY_CONFIG"]).toBe("/gantry/docker/config.json");
  });
});

describe("helm push and the chart's version", () => {
  it("pushes to an oci:// remote without a tag and reads the digest back", () => {
    expect(planPush("/out/api-1.2.3.tgz", "oci://127.0.0.1:5000/charts/", { plainHttp: true }).args).toEqual([
      "push",
      "/out/api-1.2.3.tgz",
      "oci://127.0.0.1:5000/charts",
      "--plain-http",
    ]);
    expect(() => ociRemote("oci://ghcr.io/acme/charts:1.0")).toThrow(/no tag/);
    expect(() => ociRemote("https://ghcr.io/acme")).toThrow(/not an OCI chart remote/);
    expect(parsePushed(`Pushed: 127.0.0.1:5000/charts/api:1.2.3\nDigest: ${DIGEST_A}\n`)).toEqual({ ref: "127.0.0.1:5000/charts/api:1.2.3", digest: DIGEST_A });
    expect(() => parsePushed("Error: denied")).toThrow(/printed no pushed reference/);
  });

  it("takes the release's semantic version", () => {
    expect(chartVersion("v1.4.2")).toBe("1.4.2");
    expect(chartVersion(undefined)).toBe("0.0.0");
    expect(() => chartVersion("main")).toThrow(/not a semantic version/);
  });
});
