import { describe, expect, it } from "vitest";
import { FileError } from "../../../core/errors.js";
import { DEFAULT_ERROR_RATE_QUERY } from "../../../core/kube/analysis/queries.js";
import { normaliseEnvironment } from "../../support/environment.js";
import { environment, PROMETHEUS, SOURCE } from "./fixtures.js";

function fails(raw: Record<string, unknown>, field: string, problem: RegExp): void {
  let error: unknown;
  try {
    normaliseEnvironment("staging", raw, SOURCE);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(FileError);
  const fe = error as FileError;
  expect(fe.field).toBe(field);
  expect(fe.file).toBe("pipelines/hello.yaml");
  expect(fe.message).toMatch(problem);
}

describe("environment defaults", () => {
  const e = environment({});
  it("fills safe defaults: 2 replicas, port 8080, probes on hello-api's endpoints, rolling with no unavailable pod", () => {
    expect(e.replicas).toBe(2);
    expect(e.port).toBe(8080);
    expect(e.probes.liveness?.path).toBe("/healthz");
    expect(e.probes.readiness?.path).toBe("/readyz");
    expect(e.probes.startup).toBeUndefined();
    expect(e.strategy).toEqual({ kind: "rolling", maxSurge: "25%", maxUnavailable: 0 });
    expect(e.resources).toEqual({ requests: { cpu: "100m", memory: "64Mi" }, limits: { memory: "128Mi" } });
    expect(e.runAsUser).toBe(65532);
  });

  it("defaults a canary to 5 -> 50 -> 100 with analysis between steps when Prometheus is configured", () => {
    const c = environment({ strategy: { type: "canary" }, analysis: PROMETHEUS });
    expect(c.strategy).toEqual({
      kind: "canary",
      router: { kind: "replicas" },
      steps: [
        { setWeight: 5 },
        { analysis: { intervalMs: 10_000, count: 2, failureLimit: 0, inconclusiveLimit: 3, consecutiveErrorLimit: 4 } },
        { setWeight: 50 },
        { analysis: { intervalMs: 10_000, count: 2, failureLimit: 0, inconclusiveLimit: 3, consecutiveErrorLimit: 4 } },
        { setWeight: 100 },
      ],
    });
    expect(c.analysis?.maxErrorRate).toBe(0.01);
    expect(c.analysis?.maxP99Ms).toBe(1000);
    expect(c.analysis?.queries.errorRate).toBe(DEFAULT_ERROR_RATE_QUERY);
    expect(c.analysis?.minRequests).toBe(10);
  });

  it("defaults a canary without Prometheus to timed pauses between the same weights", () => {
    const c = environment({ strategy: { type: "canary" } });
    expect(c.strategy.kind === "canary" && c.strategy.steps.map((s) => Object.keys(s)[0])).toEqual(["setWeight", "pause", "setWeight", "pause", "setWeight"]);
  });

  it("reads Argo Rollouts style steps, pause durations and routers", () => {
    const c = environment({
      analysis: { ...PROMETHEUS, prometheus: { namespace: "monitoring", service: "prometheus" } },
      ingress: { host: "api.example.com", tlsSecret: "api-tls", className: "nginx" },
      strategy: {
        type: "canary",
        trafficRouter: "nginx",
        steps: [{ setWeight: 10 }, { pause: { duration: "1m30s" } }, { pause: {} }, { analysis: { count: 5 } }, { setWeight: 100 }],
      },
    });
    expect(c.strategy).toMatchObject({
      router: { kind: "nginx" },
      steps: [{ setWeight: 10 }, { pause: { durationMs: 90_000 } }, { pause: {} }, { analysis: { count: 5, intervalMs: 10_000 } }, { setWeight: 100 }],
    });
    expect(c.analysis?.prometheus).toEqual({ service: { namespace: "monitoring", name: "prometheus", port: 9090 } });
  });

  it("reads a Gateway API router, taking the ingress host as hostname", () => {
    const c = environment({
      ingress: { host: "api.example.com" },
      strategy: { type: "canary", trafficRouter: { type: "gatewayApi", gateway: "public", gatewayNamespace: "gateways" } },
    });
    expect(c.strategy.kind === "canary" && c.strategy.router).toEqual({
      kind: "gatewayApi",
      gateway: { name: "public", namespace: "gateways" },
      hostnames: ["api.example.com"],
    });
  });
});

describe("validation errors name the field path", () => {
  it("a missing namespace", () => fails({}, "environments.staging.namespace", /is required/));
  it("a weight out of range", () =>
    fails(
      { namespace: "shop", strategy: { type: "canary", steps: [{ setWeight: 10 }, { pause: {} }, { setWeight: 101 }] } },
      "environments.staging.strategy.steps[2].setWeight",
      /0 < weight <= 100/,
    ));
  it("a zero weight", () =>
    fails({ namespace: "shop", strategy: { type: "canary", steps: [{ setWeight: 0 }] } }, "environments.staging.strategy.steps[0].setWeight", /0 < weight/));
  it("weights that do not strictly increase", () =>
    fails(
      { namespace: "shop", strategy: { type: "canary", steps: [{ setWeight: 20 }, { pause: {} }, { setWeight: 20 }] } },
      "environments.staging.strategy.steps[2].setWeight",
      /strictly increase: 20 is not above the previous setWeight 20 \(steps\[0\]\)/,
    ));
  it("a pause duration that does not parse", () =>
    fails(
      { namespace: "shop", strategy: { type: "canary", steps: [{ setWeight: 20 }, { pause: { duration: "ten seconds" } }] } },
      "environments.staging.strategy.steps[1].pause.duration",
      /expected a duration such as 30s/,
    ));
  it("an unknown router", () =>
    fails(
      { namespace: "shop", strategy: { type: "canary", trafficRouter: "istio" } },
      "environments.staging.strategy.trafficRouter",
      /expected a traffic router: replicas, nginx or/,
    ));
  it("an unknown strategy", () =>
    fails(
      { namespace: "shop", strategy: { type: "recreate" } },
      "environments.staging.strategy.type",
      /expected a strategy type: rolling, canary or blueGreen/,
    ));
  it("an analysis step without an analysis section", () =>
    fails(
      { namespace: "shop", strategy: { type: "canary", steps: [{ setWeight: 20 }, { analysis: {} }] } },
      "environments.staging.strategy.steps[1].analysis",
      /needs an `analysis` section/,
    ));
  it("a step with two kinds", () =>
    fails(
      { namespace: "shop", strategy: { type: "canary", steps: [{ setWeight: 20, pause: {} }] } },
      "environments.staging.strategy.steps[0]",
      /exactly one of/,
    ));
  it("the nginx router without an ingress", () =>
    fails(
      { namespace: "shop", strategy: { type: "canary", trafficRouter: "nginx" } },
      "environments.staging.ingress",
      /nginx traffic router needs an ingress/,
    ));
  it("a typo in a field name", () => fails({ namespace: "shop", replica: 3 }, "environments.staging.replica", /unknown setting/));
  it("a bad namespace", () => fails({ namespace: "Shop_1" }, "environments.staging.namespace", /expected a DNS label/));
  it("a bad quantity", () =>
    fails({ namespace: "shop", resources: { limits: { memory: "lots" } } }, "environments.staging.resources.limits.memory", /expected a Kubernetes quantity/));
  it("a secret given as a value instead of a name", () =>
    fails({ namespace: "shop", secrets: ["Password=hunter2"] }, "environments.staging.secrets[0]", /name of an existing Secret/));
  it("an unknown query placeholder", () =>
    fails(
      { namespace: "shop", analysis: { ...PROMETHEUS, queries: { errorRate: 'up{pod="{{pod}}"}' } } },
      "environments.staging.analysis.queries.errorRate",
      /unknown placeholder/,
    ));
  it("a Prometheus address that is not a URL", () =>
    fails({ namespace: "shop", analysis: { prometheus: "prometheus:9090" } }, "environments.staging.analysis.prometheus", /expected an http\(s\) URL/));
  it("both PDB fields", () => fails({ namespace: "shop", pdb: { minAvailable: 1, maxUnavailable: 1 } }, "environments.staging.pdb", /not both/));
  it("a pod label Gantry selects on", () =>
    fails({ namespace: "shop", podLabels: { "gantry.dev/track": "x" } }, "environments.staging.podLabels.gantry.dev/track", /set by Gantry/));
  it("an HPA with the replica-ratio canary", () =>
    fails({ namespace: "shop", hpa: {}, strategy: { type: "canary" } }, "environments.staging.hpa", /would fight over the stable's replicas/));
  it("an error rate given as a percentage", () =>
    fails(
      { namespace: "shop", analysis: { ...PROMETHEUS, maxErrorRate: 5 } },
      "environments.staging.analysis.maxErrorRate",
      /Too big: expected number to be <=1/,
    ));

  it("includes the line when the loader can locate the field", () => {
    try {
      normaliseEnvironment(
        "prod",
        { namespace: "shop", replicas: 0 },
        { file: "pipelines/hello.yaml", lineOf: (p) => (p.join(".") === "environments.prod.replicas" ? 12 : undefined) },
      );
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).toBe("pipelines/hello.yaml:12: environments.prod.replicas: Too small: expected number to be >=1");
    }
  });
});

describe("the schema inside the pipeline's JSON Schema", () => {
  it("describes the input (durations as strings) and validates a typical environment", async () => {
    const { z } = await import("zod");
    const { Ajv2020 } = await import("ajv/dist/2020.js");
    const { environmentSchema } = await import("../../../core/kube/config/schema.js");
    const schema = z.toJSONSchema(environmentSchema, { io: "input", target: "draft-2020-12" });
    const validate = new Ajv2020({ strict: false }).compile(schema);
    const typical = {
      namespace: "shop",
      analysis: PROMETHEUS,
      strategy: { type: "canary", steps: [{ setWeight: 10 }, { pause: { duration: "1m" } }, { analysis: {} }, { setWeight: 100 }] },
    };
    expect(validate(typical), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ namespace: "shop", replica: 2 })).toBe(false);
  });

  it("takes the port and uid from the pipeline's image settings when the environment does not say", () => {
    const e = normaliseEnvironment("prod", { namespace: "shop" }, SOURCE, { port: 9000, runAsUser: 1000 });
    expect([e.port, e.runAsUser]).toEqual([9000, 1000]);
  });
});

describe("traffic for a quiet service", () => {
  it("reads the load: a URL, a rate (default 10 a second) and a busybox image, run as the embedded demo's loop", async () => {
    const { trafficCommand, TRAFFIC_IMAGE } = await import("../../../core/kube/config/traffic.js");
    const { demoTrafficArgv } = await import("../../../core/embedded/demo-objects.js");
    const e = environment({ traffic: { url: "http://api.example.com/" } });
    expect(e.traffic).toEqual({ url: "http://api.example.com/", rate: 10, image: TRAFFIC_IMAGE });
    const command = trafficCommand(e.traffic!);
    expect(command.slice(-3)).toEqual(["gantry-traffic", "http://api.example.com/", "0.1"]);
    expect(command.slice(0, -2)).toEqual(demoTrafficArgv().slice(0, -2)); // the demo's own loop
    expect(environment({}).traffic).toBeUndefined();
  });
  it("refuses a load without a URL, with credentials in it, or at a rate out of range", () => {
    fails({ namespace: "shop", traffic: {} }, "environments.staging.traffic.url", /expected string|Invalid input/);
    fails({ namespace: "shop", traffic: { url: "http://u:p@api/" } }, "environments.staging.traffic.url", /must not carry credentials/);
    fails({ namespace: "shop", traffic: { url: "http://api/", rate: 0 } }, "environments.staging.traffic.rate", /Too small/);
    fails({ namespace: "shop", traffic: { url: "http://api/", rate: 5000 } }, "environments.staging.traffic.rate", /Too big/);
  });
});
