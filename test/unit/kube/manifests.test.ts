import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { ArgumentError } from "../../../core/errors.js";
import { configMapName, renderConfigMap } from "../../../core/kube/manifests/config-map.js";
import { renderDeployment, revisionOf } from "../../../core/kube/manifests/deployment.js";
import { readOnlyWorkload, workload } from "../../../core/kube/manifests/objects.js";
import { toYaml } from "../../../core/kube/manifests/yaml.js";
import { renderEnvironment } from "../../../core/kube/rollout/base-objects.js";
import { planRollout } from "../../../core/kube/rollout/plan.js";
import { DIGEST_A, environment, hello, IMAGE_A, IMAGE_B } from "./fixtures.js";

const container = (d: Record<string, any>) => d.spec.template.spec.containers[0];

describe("the Deployment", () => {
  const w = hello({
    replicas: 3,
    env: { LOG_LEVEL: "debug" },
    config: { GREETING: "hi" },
    secrets: ["db-credentials", { name: "api-keys", key: "stripe", env: "STRIPE_KEY" }],
  });
  const d = renderDeployment(w, { track: "stable", replicas: 3 }) as Record<string, any>;

  it("passes Pod Security restricted: non-root 65532, no escalation, ALL capabilities dropped, RuntimeDefault seccomp, read-only root", () => {
    const pod = d.spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: "RuntimeDefault" } });
    expect(container(d).securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
    });
    expect(pod.volumes).toEqual([{ name: "tmp", emptyDir: {} }]);
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  it("runs the image by digest, with probes, resources and a rolling update that keeps every pod", () => {
    expect(container(d).image).toBe(IMAGE_A);
    expect(container(d).readinessProbe).toEqual({ httpGet: { path: "/readyz", port: "http" }, periodSeconds: 5, failureThreshold: 3 });
    expect(container(d).livenessProbe.httpGet.path).toBe("/healthz");
    expect(container(d).resources).toEqual({ requests: { cpu: "100m", memory: "64Mi" }, limits: { memory: "128Mi" } });
    expect(d.spec.strategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 } });
    expect(d.spec.replicas).toBe(3);
  });

  it("references the hashed ConfigMap and the Secrets by name only", () => {
    expect(container(d).envFrom).toEqual([{ configMapRef: { name: configMapName(w) } }, { secretRef: { name: "db-credentials" } }]);
    expect(container(d).env).toEqual([
      { name: "LOG_LEVEL", value: "debug" },
      { name: "STRIPE_KEY", valueFrom: { secretKeyRef: { name: "api-keys", key: "stripe" } } },
    ]);
  });

  it("labels with app.kubernetes.io/* and the track, and selects by service and track", () => {
    expect(d.metadata.labels).toEqual({ "app.kubernetes.io/name": "hello-api", "app.kubernetes.io/managed-by": "gantry", "gantry.dev/track": "stable" });
    expect(d.spec.selector.matchLabels).toEqual({ "app.kubernetes.io/name": "hello-api", "gantry.dev/track": "stable" });
    const canary = renderDeployment(w, { track: "canary", replicas: 1 }) as Record<string, any>;
    expect(canary.metadata.name).toBe("hello-api-canary");
    expect(canary.spec.template.metadata.labels["gantry.dev/track"]).toBe("canary");
  });

  it("marks the pod template with its revision, which changes with the image and the config only", () => {
    expect(d.spec.template.metadata.annotations["gantry.dev/revision"]).toBe(revisionOf(w));
    expect(revisionOf(hello())).toBe(revisionOf(hello()));
    expect(revisionOf(hello({}, IMAGE_B))).not.toBe(revisionOf(hello()));
    expect(revisionOf(hello({ config: { A: "1" } }))).not.toBe(revisionOf(hello({ config: { A: "2" } })));
    expect(revisionOf(workload("hello-api", IMAGE_A, environment({}), "1.2.3"))).toBe(revisionOf(hello()));
    expect(revisionOf(hello({ podLabels: { team: "shop" } }))).not.toBe(revisionOf(hello()));
  });
});

describe("images are pinned by digest", () => {
  it("rejects a tag-only reference", () => {
    expect(() => hello({}, "ghcr.io/acme/hello-api:1.2.3")).toThrow(ArgumentError);
    expect(() => hello({}, "ghcr.io/acme/hello-api:1.2.3")).toThrow(/no digest/);
  });
  it("drops a tag beside the digest and writes Docker Hub names out", () => {
    expect(hello({}, `ghcr.io/acme/hello-api:1.2.3@${DIGEST_A}`).image).toBe(IMAGE_A);
    expect(hello({}, `nginx@${DIGEST_A}`).image).toBe(`docker.io/library/nginx@${DIGEST_A}`);
  });
});

describe("the hashed ConfigMap", () => {
  it("has a stable name for the same content, in any key order", () => {
    expect(configMapName(hello({ config: { A: "1", B: "2" } }))).toBe(configMapName(hello({ config: { B: "2", A: "1" } })));
  });
  it("changes name when any value changes", () => {
    expect(configMapName(hello({ config: { A: "1" } }))).not.toBe(configMapName(hello({ config: { A: "1 " } })));
  });
  it("is immutable, named <service>-config-<10 hex>, and absent without config", () => {
    const cm = renderConfigMap(hello({ config: { A: "1" } }))!;
    expect(cm.metadata.name).toMatch(/^hello-api-config-[0-9a-f]{10}$/);
    expect(cm["immutable"]).toBe(true);
    expect(renderConfigMap(hello())).toBeUndefined();
  });
});

describe("the environment's objects", () => {
  const kinds = (raw: Record<string, unknown>) => renderEnvironment(planRollout(hello(raw))).map((o) => `${o.kind}/${o.metadata.name}`);

  it("renders Service, Ingress with TLS, HPA (autoscaling/v2) and PDB (policy/v1) for a rolling service", () => {
    const objects = renderEnvironment(
      planRollout(
        hello({
          config: { A: "1" },
          ingress: { host: "api.example.com", tlsSecret: "api-tls", className: "nginx" },
          hpa: { minReplicas: 2, maxReplicas: 6 },
          pdb: { minAvailable: 1 },
        }),
      ),
    );
    const byKind = Object.fromEntries(objects.map((o) => [o.kind, o as Record<string, any>]));
    expect(byKind["Ingress"]!.spec.tls).toEqual([{ hosts: ["api.example.com"], secretName: "api-tls" }]);
    expect(byKind["Ingress"]!.spec.ingressClassName).toBe("nginx");
    expect(byKind["HorizontalPodAutoscaler"]!.apiVersion).toBe("autoscaling/v2");
    expect(byKind["HorizontalPodAutoscaler"]!.spec.scaleTargetRef.name).toBe("hello-api");
    expect(byKind["PodDisruptionBudget"]!.apiVersion).toBe("policy/v1");
    expect(byKind["Service"]!.spec.selector).toEqual({ "app.kubernetes.io/name": "hello-api", "gantry.dev/track": "stable" });
    // With an HPA the Deployment leaves replicas to it.
    expect(byKind["Deployment"]!.spec.replicas).toBeUndefined();
  });

  it("shares the Service between tracks for the replica router, and adds the canary Service", () => {
    const objects = renderEnvironment(planRollout(hello({ strategy: { type: "canary" } })));
    const main = objects.find((o) => o.kind === "Service" && o.metadata.name === "hello-api") as Record<string, any>;
    expect(main.spec.selector).toEqual({ "app.kubernetes.io/name": "hello-api" });
    expect(kinds({ strategy: { type: "canary" } })).toContain("Service/hello-api-canary");
  });

  it("routes through an HTTPRoute at weight 0 for the Gateway API router", () => {
    const objects = renderEnvironment(planRollout(hello({ strategy: { type: "canary", trafficRouter: { type: "gatewayApi", gateway: "public" } } })));
    const route = objects.find((o) => o.kind === "HTTPRoute") as Record<string, any>;
    expect(route.spec.rules[0].backendRefs).toEqual([
      { name: "hello-api", port: 80, weight: 100 },
      { name: "hello-api-canary", port: 80, weight: 0 },
    ]);
  });

  it("writes YAML documents in a stable order: ConfigMap, Services, Deployment, HPA, PDB, Ingress", () => {
    const plan = planRollout(hello({ config: { A: "1" }, ingress: { host: "api.example.com" }, hpa: {}, pdb: { maxUnavailable: "50%" } }));
    const text = toYaml(renderEnvironment(plan));
    const docs = parseAllDocuments(text).map((d) => d.toJS() as { kind: string });
    expect(docs.map((d) => d.kind)).toEqual(["ConfigMap", "Service", "Deployment", "HorizontalPodAutoscaler", "PodDisruptionBudget", "Ingress"]);
    expect(toYaml([...renderEnvironment(plan)].reverse())).toBe(text);
  });
});

describe("a plan made to read the cluster (status)", () => {
  it("names the same objects as a rollout of any image, and pins no image of the service's", () => {
    const env = environment({ strategy: { type: "canary" } });
    const read = planRollout(readOnlyWorkload("hello-api", env));
    expect(read.names).toEqual(planRollout(workload("hello-api", IMAGE_A, env)).names);
    expect(read.workload.image).toMatch(/^gantry\.invalid\/read-only@sha256:0{64}$/);
  });
});
