// The loader's API-server rules (core/kube/config/api-limits.ts, environment-rules.ts) held against a
// REAL API server: for each rule, the value just inside the limit loads and the server accepts the
// rendered objects (server-side dry-run, or a real apply where only etcd judges); the value just
// over it is refused by the loader, and the same value, rendered anyway, is refused by the server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { FileError } from "../../core/errors.js";
import { ENV_MAX_BYTES } from "../../core/kube/config/api-limits.js";
import { normaliseEnvironment } from "../support/environment.js";
import type { Environment } from "../../core/kube/config/types.js";
import { applyArgv } from "../../core/kube/kubectl.js";
import { renderDeployment } from "../../core/kube/manifests/deployment.js";
import { workload } from "../../core/kube/manifests/objects.js";
import { toYaml } from "../../core/kube/manifests/yaml.js";
import { renderEnvironment } from "../../core/kube/rollout/base-objects.js";
import { planRollout } from "../../core/kube/rollout/plan.js";
import { loadPipeline } from "../../core/pipeline/load.js";
import { startCluster, type Cluster } from "../support/cluster.js";
import { restrictedNamespace } from "../support/kube-host.js";

const IMAGE = `ghcr.io/acme/hello-api@sha256:${"a".repeat(64)}`;
let cluster: Cluster;
let namespace: string;

beforeAll(async () => {
  cluster = await startCluster();
  namespace = await restrictedNamespace(cluster, "limits");
});
afterAll(async () => {
  await cluster?.stop();
});

interface Limit {
  rule: string;
  /** Environment fields (as written in the pipeline file) just inside the limit. */
  inside: Record<string, unknown>;
  /** The same fields just over it. */
  over: Record<string, unknown>;
  /** Puts the over-the-limit value into a rendered Environment (the loader would not produce one). */
  patch: (e: Environment) => void;
  /** The field the loader names. */
  field: string;
  /** What the API server says. */
  server: RegExp;
}

const MIB = 1024 * 1024;
const prefix253 = `${"a.".repeat(126)}a`;

const LIMITS: Limit[] = [
  {
    rule: "a ConfigMap's values are at most 1 MiB together (keys are not counted)",
    inside: { config: { BIG: "x".repeat(MIB) } },
    over: { config: { BIG: "x".repeat(MIB + 1) } },
    patch: (e) => void (e.config = { BIG: "x".repeat(MIB + 1) }),
    field: "config",
    server: /Too long: may not be more than 1048576 bytes/,
  },
  {
    rule: "an Ingress host is not an IP address",
    inside: { ingress: { host: "256.1.1.1" } },
    over: { ingress: { host: "127.0.0.1" } },
    patch: (e) => void (e.ingress = { host: "127.0.0.1", path: "/" }),
    field: "ingress.host",
    server: /must be a DNS name, not an IP address/,
  },
  {
    rule: "an Ingress host with leading zeros is still an IP",
    inside: { ingress: { host: "api.example.com" } },
    over: { ingress: { host: "010.001.0.1" } },
    patch: (e) => void (e.ingress = { host: "010.001.0.1", path: "/" }),
    field: "ingress.host",
    server: /must be a DNS name, not an IP address/,
  },
  ...["/a//b", "/a/./b", "/a/../b", "/a%2fb", "/a/..", "/a/."].map((path): Limit => ({
    rule: `an Ingress Prefix path ${path}`,
    inside: { ingress: { host: "api.example.com", path: "/a/b.c/..d" } },
    over: { ingress: { host: "api.example.com", path } },
    patch: (e) => void (e.ingress = { host: "api.example.com", path }),
    field: "ingress.path",
    server: /spec\.rules\[0\]\.http\.paths\[0\]\.path: Invalid value/,
  })),
  {
    rule: "a memory request is at most its (default 128Mi) limit",
    inside: { resources: { requests: { memory: "128Mi" } } },
    over: { resources: { requests: { memory: "129Mi" } } },
    patch: (e) => void (e.resources.requests.memory = "129Mi"),
    field: "resources.requests.memory",
    server: /must be less than or equal to memory limit/,
  },
  {
    rule: "a CPU request is at most its limit, compared as quantities",
    inside: { resources: { requests: { cpu: "1.5" }, limits: { cpu: "1500m" } } },
    over: { resources: { requests: { cpu: "1.501" }, limits: { cpu: "1500m" } } },
    patch: (e) => void ((e.resources.requests.cpu = "1.501"), (e.resources.limits.cpu = "1500m")),
    field: "resources.requests.cpu",
    server: /must be less than or equal to cpu limit/,
  },
  {
    rule: "a label key's prefix is at most 253 characters",
    inside: { podLabels: { [`${prefix253}/team`]: "x" } },
    over: { podLabels: { [`b${prefix253}/team`]: "x" } },
    patch: (e) => void (e.podLabels = { [`b${prefix253}/team`]: "x" }),
    field: `podLabels.b${prefix253}/team`,
    server: /prefix part must be no more than 253 bytes/,
  },
  {
    rule: "the uid is an int32",
    inside: { runAsUser: 2147483647 },
    over: { runAsUser: 2147483648 },
    patch: (e) => void (e.runAsUser = 2147483648),
    field: "runAsUser",
    server: /2147483648|int32|out of range|must be between/,
  },
  {
    rule: "a probe's failureThreshold is an int32",
    inside: { probes: { liveness: { failureThreshold: 2147483647 } } },
    over: { probes: { liveness: { failureThreshold: 2147483648 } } },
    patch: (e) => void (e.probes.liveness!.failureThreshold = 2147483648),
    field: "probes.liveness.failureThreshold",
    server: /2147483648|int32|out of range/,
  },
  {
    rule: "a variable comes from one place (env or a secret)",
    inside: { env: { TOKEN: "x" }, secrets: [{ name: "api", key: "token", env: "API_TOKEN" }] },
    over: { env: { TOKEN: "x" }, secrets: [{ name: "api", key: "token", env: "TOKEN" }] },
    patch: (e) => void ((e.env = { TOKEN: "x" }), (e.secrets = [{ name: "api", key: "token", env: "TOKEN" }])),
    field: "secrets[0].env",
    server: /duplicate entries for key \[name="TOKEN"\]/,
  },
];

/** Server-side apply of the environment's objects (dry-run unless `real`). */
async function apply(env: Environment, service = "hello-api", real = false) {
  const objects = renderEnvironment(planRollout(workload(service, IMAGE, env)));
  const argv = applyArgv(namespace, { dryRun: !real });
  return cluster.kubectl(argv.slice(1), { input: toYaml(objects) });
}

function loaderRefusal(raw: Record<string, unknown>): FileError {
  try {
    normaliseEnvironment("staging", { namespace, ...raw }, { file: "pipelines/hello.yaml" });
  } catch (e) {
    expect(e).toBeInstanceOf(FileError);
    return e as FileError;
  }
  throw new Error("the loader accepted a value over the limit");
}

describe("the loader's limits are the API server's", () => {
  for (const limit of LIMITS) {
    it(limit.rule, async () => {
      const inside = normaliseEnvironment("staging", { namespace, ...limit.inside }, { file: "pipelines/hello.yaml" });
      const accepted = await apply(inside);
      expect(accepted.status, accepted.stderr).toBe(0);

      expect(loaderRefusal(limit.over).field).toBe(`environments.staging.${limit.field}`);
      const over = structuredClone(inside);
      limit.patch(over);
      const refused = await apply(over);
      expect(refused.status, `the API server accepted what the loader refuses (${limit.rule})`).not.toBe(0);
      expect(refused.stderr).toMatch(limit.server);
    });
  }

  it("plain env: 1 MiB is stored; the issue's 3.5 MB value and 1.6 MB are refused by the server (etcd and the request limit)", async () => {
    const value = (bytes: number) => "x".repeat(bytes - 3);
    const inside = normaliseEnvironment("staging", { namespace, env: { BIG: value(ENV_MAX_BYTES) } }, { file: "pipelines/hello.yaml" });
    const stored = await apply(inside, "big-env", true);
    expect(stored.status, stored.stderr).toBe(0);
    for (const bytes of [1_600_000, 3_500_000]) {
      expect(loaderRefusal({ env: { BIG: value(bytes) } }).field).toBe("environments.staging.env.BIG");
      const refused = await apply({ ...inside, env: { BIG: value(bytes) } }, "big-env", true);
      expect(refused.status, `a ${bytes}-byte env was stored`).not.toBe(0);
      expect(refused.stderr).toMatch(/request is too large|Request entity too large|too long/i);
    }
  });

  it("a service name the loader accepts names objects the server accepts; an underscored one it refuses, so does the server", async () => {
    const canary = normaliseEnvironment("staging", { namespace, strategy: { type: "canary" }, config: { A: "b" } }, { file: "pipelines/hello.yaml" });
    const longest = `s${"a".repeat(41)}`;
    expect(() => loadPipeline(`name: ${longest}\nenvironments:\n  staging:\n    namespace: ${namespace}\n`, "pipelines/hello.yaml")).not.toThrow();
    const objects = [
      ...renderEnvironment(planRollout(workload(longest, IMAGE, canary))),
      renderDeployment(workload(longest, IMAGE, canary), { track: "canary", replicas: 1 }),
    ];
    const accepted = await cluster.kubectl(applyArgv(namespace, { dryRun: true }).slice(1), { input: toYaml(objects) });
    expect(accepted.status, accepted.stderr).toBe(0);

    expect(() => loadPipeline(`name: hello_api\nenvironments:\n  staging:\n    namespace: ${namespace}\n`, "pipelines/hello.yaml")).toThrow(
      /1:7: name: "hello_api" names the Kubernetes objects/,
    );
    const service = { apiVersion: "v1", kind: "Service", metadata: { name: "hello_api", namespace }, spec: { ports: [{ port: 80 }] } };
    const refused = await cluster.kubectl(applyArgv(namespace, { dryRun: true }).slice(1), { input: toYaml([service]) });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(
      /metadata\.name: Invalid value: "hello_api": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-'/,
    );
  });
});
