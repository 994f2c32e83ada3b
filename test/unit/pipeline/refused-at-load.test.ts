// Settings that defeated the analysis gate, broke every rollout, or were refused by the API server
// only at deploy time: each is refused when the file loads, located (file:line:column, field path),
// and the value just inside each limit still loads.
import { describe, expect, it } from "vitest";

import { compareQuantities, isIpv4, labelKeyProblem } from "../../../core/kube/config/api-limits.js";
import { promDurationProblem } from "../../../core/kube/analysis/prom-duration.js";
import { loadPipeline } from "../../../core/pipeline/load.js";
import { FILE, problems } from "./problems.js";

const ENV = "name: hello-api\nenvironments:\n  staging:\n    namespace: shop\n";
const PROM = "    analysis: {prometheus: 'http://prom:9090'";
const withEnv = (lines: string) => ENV + lines;
const loads = (text: string) => expect(() => loadPipeline(text, FILE)).not.toThrow();

describe("settings that defeat the analysis gate are refused", () => {
  it("failureLimit equal to count (a canary answering 50% HTTP 500 was promoted)", () =>
    expect(problems(withEnv(`${PROM}, count: 2, failureLimit: 2}\n    strategy: {type: canary}\n`))).toMatch(
      /svc\.yaml:5:72: environments\.staging\.analysis\.failureLimit: failureLimit 2 tolerates every one of the 2 measurement\(s\).*at most 1/,
    ));
  it("failureLimit above count", () =>
    expect(problems(withEnv(`${PROM}, count: 1, failureLimit: 5}\n`))).toMatch(/analysis\.failureLimit: failureLimit 5 tolerates/));
  it("a step whose own failureLimit reaches the default count", () =>
    expect(problems(withEnv(`${PROM}}\n    strategy: {type: canary, steps: [{setWeight: 5}, {analysis: {failureLimit: 3}}]}\n`))).toMatch(
      /environments\.staging\.strategy\.steps\[1\]\.analysis\.failureLimit: failureLimit 3 tolerates every one of the 3/,
    ));
  it("a step whose own count falls to the default failureLimit", () =>
    expect(problems(withEnv(`${PROM}, failureLimit: 1}\n    strategy: {type: canary, steps: [{setWeight: 5}, {analysis: {count: 1}}]}\n`))).toMatch(
      /steps\[1\]\.analysis\.count: failureLimit 1 tolerates every one of the 1/,
    ));
  it("a blue-green pre-promotion analysis", () =>
    expect(problems(withEnv(`${PROM}}\n    strategy: {type: blueGreen, prePromotionAnalysis: {count: 2, failureLimit: 2}}\n`))).toMatch(
      /strategy\.prePromotionAnalysis\.failureLimit: failureLimit 2/,
    ));
  it("loads failureLimit one below count", () =>
    loads(withEnv(`${PROM}, count: 2, failureLimit: 1}\n    strategy: {type: canary, steps: [{setWeight: 5}, {analysis: {count: 4, failureLimit: 3}}]}\n`)));

  it("a zero window, which Prometheus refuses for every query (every canary rolled back)", () =>
    expect(problems(withEnv(`${PROM}, window: 0s}\n`))).toMatch(/:5:56: environments\.staging\.analysis\.window: must be greater than 0/));
  for (const window of ["0", "0m", "0h0m0s", "1.5m", "1m1h", "-1m", "1M", "", "1 m", "99999999999y"]) {
    it(`the window ${JSON.stringify(window)}, refused by Prometheus too`, () =>
      expect(problems(withEnv(`${PROM}, window: '${window}'}\n`))).toMatch(/analysis\.window: /));
  }
  for (const window of ["1m", "90s", "1h30m", "2w", "500ms", "1y"]) it(`loads the window ${window}`, () => loads(withEnv(`${PROM}, window: '${window}'}\n`)));

  it("a p99 limit of 0, which no canary can meet", () =>
    expect(problems(withEnv(`${PROM}, maxP99: 0s}\n`))).toMatch(/analysis\.maxP99: must be greater than 0/));

  it("credentials in the Prometheus URL (credentials are references only)", () =>
    expect(problems(withEnv("    analysis: {prometheus: 'http://admin:hunter2@prom:9090'}\n"))).toMatch(
      /:5:28: environments\.staging\.analysis\.prometheus: must not carry credentials/,
    ));
  for (const url of ["http://admin@prom:9090", "http://@prom:9090", "https://:token@prom", "http://a:b@prom:9090/x?y=z"]) {
    it(`credentials in ${url}`, () => expect(problems(withEnv(`    analysis: {prometheus: '${url}'}\n`))).toMatch(/must not carry credentials/));
  }
  it("credentials in a smoke check's URL", () =>
    expect(problems(withEnv("    smoke: [{url: 'http://u:p@api/healthz'}]\n"))).toMatch(/smoke\[0\]\.url: must not carry credentials/));
  it("a Prometheus URL whose port does not exist", () =>
    expect(problems(withEnv("    analysis: {prometheus: 'http://prom:99999'}\n"))).toMatch(/analysis\.prometheus: expected an http\(s\) URL/));
  it("loads a Prometheus URL with a path and a query", () => loads(withEnv("    analysis: {prometheus: 'https://prom.example.com:9443/prometheus?x=@'}\n")));
});

describe("settings that break every rollout are refused", () => {
  it("progressDeadline 0 (every canary aborted at once)", () =>
    expect(problems(withEnv("    progressDeadline: '0'\n"))).toMatch(/:5:23: environments\.staging\.progressDeadline: must be at least 1s/));
  it("progressDeadline under a second", () => expect(problems(withEnv("    progressDeadline: 500ms\n"))).toMatch(/progressDeadline: must be at least 1s/));
  it("a PodDisruptionBudget keeping more pods than run (every drain blocked)", () =>
    expect(problems(withEnv("    replicas: 2\n    pdb: {minAvailable: 5}\n"))).toMatch(
      /:6:25: environments\.staging\.pdb\.minAvailable: 5 is more than the 2 pod\(s\)/,
    ));
  it("the same against the HPA's minimum", () =>
    expect(problems(withEnv("    replicas: 4\n    hpa: {minReplicas: 2}\n    pdb: {minAvailable: 3}\n"))).toMatch(
      /pdb\.minAvailable: 3 is more than the 2 pod\(s\) the service runs at its HPA's minReplicas/,
    ));
  it("loads minAvailable equal to replicas, and a percentage", () => {
    loads(withEnv("    replicas: 2\n    pdb: {minAvailable: 2}\n"));
    loads(withEnv("    replicas: 2\n    pdb: {minAvailable: '100%'}\n"));
  });
});

describe("what the API server would refuse, the loader refuses first", () => {
  it("a ConfigMap over 1 MiB", () =>
    expect(problems(withEnv(`    config: {BIG: ${"x".repeat(1024 * 1024 + 1)}}\n`))).toMatch(
      /:5:13: environments\.staging\.config: the ConfigMap's data is 1048577 bytes/,
    ));
  it("loads a ConfigMap of exactly 1 MiB of values (the API server does not count the keys)", () =>
    loads(withEnv(`    config: {BIG: ${"x".repeat(1024 * 1024)}}\n`)));
  it("counts bytes, not characters", () =>
    expect(problems(withEnv(`    config: {BIG: ${"é".repeat(600 * 1024)}}\n`))).toMatch(/config: the ConfigMap's data is 1228800 bytes/));
  it("an Ingress host that is an IP address", () =>
    expect(problems(withEnv("    ingress: {host: 127.0.0.1}\n"))).toMatch(
      /:5:21: environments\.staging\.ingress\.host: must be a DNS name, not an IP address/,
    ));
  it("an IP with leading zeros (the API server's sloppy parse)", () =>
    expect(problems(withEnv("    ingress: {host: 010.001.0.1}\n"))).toMatch(/ingress\.host: must be a DNS name, not an IP/));
  it("loads a numeric host that is no IP", () => loads(withEnv("    ingress: {host: 256.1.1.1}\n")));
  for (const [path, why] of [
    ["/a//b", "'//'"],
    ["/a/./b", "'/./'"],
    ["/a/../b", "'/../'"],
    ["/a%2fb", "'%2f'"],
    ["/a%2Fb", "'%2F'"],
    ["/a/..", "end with '/..'"],
    ["/a/.", "end with '/.'"],
  ]) {
    it(`an Ingress path ${path}`, () =>
      expect(problems(withEnv(`    ingress: {host: api.example.com, path: '${path}'}\n`))).toMatch(
        new RegExp(`ingress\\.path: must not (contain )?${why!.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}`),
      ));
  }
  it("a memory request above the default 128Mi limit", () =>
    expect(problems(withEnv("    resources: {requests: {memory: 256Mi}}\n"))).toMatch(
      /:5:36: environments\.staging\.resources\.requests\.memory: 256Mi is above the memory limit 128Mi \(the default limit/,
    ));
  it("a CPU request above its limit, compared as quantities", () =>
    expect(problems(withEnv("    resources: {requests: {cpu: '2'}, limits: {cpu: 1500m}}\n"))).toMatch(/requests\.cpu: 2 is above the cpu limit 1500m/));
  it("loads equal quantities written differently", () =>
    loads(withEnv("    resources: {requests: {cpu: '0.5', memory: 1Gi}, limits: {cpu: 500m, memory: 1024Mi}}\n")));
  it("a label prefix over 253 characters", () =>
    expect(problems(withEnv(`    podLabels: {${"a".repeat(254)}/team: x}\n`))).toMatch(
      /:5:17: environments\.staging\.podLabels\.a+\/team: the prefix is 254 characters/,
    ));
  it("loads a label prefix of 253 characters", () => loads(withEnv(`    podLabels: {${"a.".repeat(126)}a/team: x}\n`)));
  for (const [field, yaml] of [
    ["maxRestarts", "    maxRestarts: 2147483648\n"],
    ["runAsUser", "    runAsUser: 4294967296\n"],
    ["probes.liveness.failureThreshold", "    probes: {liveness: {failureThreshold: 3000000000}}\n"],
    ["hpa.maxReplicas", "    strategy: {type: rolling}\n    hpa: {maxReplicas: 2147483648}\n"],
    ["pdb.maxUnavailable", "    pdb: {maxUnavailable: 2147483648}\n"],
    ["strategy.maxSurge", "    strategy: {type: rolling, maxSurge: 9999999999}\n"],
    ["probes.liveness.period", "    probes: {liveness: {period: 600000h}}\n"],
    ["progressDeadline", "    progressDeadline: 600000h\n"],
  ] as const) {
    it(`${field} beyond int32 (the API server wraps it negative)`, () =>
      expect(problems(withEnv(yaml))).toMatch(new RegExp(`environments\\.staging\\.${field.replace(/\./g, "\\.")}: at most 2147483647`)));
  }
  it("the same variable from env and from a secret", () =>
    expect(problems(withEnv("    env: {TOKEN: x}\n    secrets: [{name: api, key: token, env: TOKEN}]\n"))).toMatch(
      /:6:44: environments\.staging\.secrets\[0\]\.env: TOKEN is already set by env\.TOKEN/,
    ));
  it("the same variable from two secrets", () =>
    expect(problems(withEnv("    secrets: [{name: a, key: k, env: T}, {name: b, key: k, env: T}]\n"))).toMatch(
      /secrets\[1\]\.env: T is already set by secrets\[0\]/,
    ));
  it("plain env values over 1 MiB", () =>
    expect(problems(withEnv(`    env: {A: ${"x".repeat(600 * 1024)}, B: ${"x".repeat(600 * 1024)}}\n`))).toMatch(
      /environments\.staging\.env\.[AB]: the variables add up to 1228802 bytes/,
    ));
  for (const name of ["hello_api", "a".repeat(50), "hello.api", "1api", "api-"]) {
    it(`a service name ${name.slice(0, 12)} that cannot name the objects`, () =>
      expect(problems(`name: ${name}\nenvironments:\n  staging:\n    namespace: shop\n`)).toMatch(
        /svc\.yaml:1:7: name: ".*" names the Kubernetes objects of the environments \(staging\)/,
      ));
  }
  it("loads such a name when nothing is deployed (it only titles the binary and image)", () => loads("name: hello_api\n"));
});

describe("raw errors become located ones", () => {
  const bomb =
    "a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n";
  it("a YAML alias bomb", () => expect(problems(bomb)).toMatch(/svc\.yaml:2:8: the aliases \(\*name\) expand to too many nodes/));
  it("a file over 2 MiB, refused before it is parsed", () =>
    expect(problems(`name: api\n#${"x".repeat(2 * 1024 * 1024)}\n`)).toMatch(/svc\.yaml:1:1: the file is 2097164 characters, over the 2097152/));
  it("__proto__ in env, which vanished silently", () =>
    expect(problems(withEnv("    env:\n      __proto__: x\n"))).toMatch(
      /svc\.yaml:6:7: environments\.staging\.env\.__proto__: a key named __proto__ cannot be used/,
    ));
  it("__proto__ in config", () =>
    expect(problems(withEnv("    config: {__proto__: x}\n"))).toMatch(/environments\.staging\.config\.__proto__: a key named __proto__/));
});

describe("the rules themselves", () => {
  it("compares quantities exactly", () => {
    expect(compareQuantities("100m", "0.1")).toBe(0);
    expect(compareQuantities("1Gi", "1G")).toBe(1);
    expect(compareQuantities("1k", "1Ki")).toBe(-1);
    expect(compareQuantities("0.001", "1m")).toBe(0);
    expect(compareQuantities("129Mi", "128Mi")).toBe(1);
    expect(compareQuantities("lots", "1")).toBeUndefined();
  });
  it("label keys", () => {
    expect(labelKeyProblem("app")).toBeUndefined();
    expect(labelKeyProblem("example.com/team")).toBeUndefined();
    expect(labelKeyProblem("Example.com/team")).toMatch(/DNS subdomain/);
    expect(labelKeyProblem("a/" + "b".repeat(64))).toMatch(/at most 63/);
    expect(labelKeyProblem("/team")).toMatch(/DNS subdomain/);
  });
  it("IPv4 as the API server reads it", () => {
    expect(isIpv4("127.0.0.1")).toBe(true);
    expect(isIpv4("0300.0.0.1")).toBe(false);
    expect(isIpv4("1.2.3")).toBe(false);
  });
  it("Prometheus durations", () => {
    expect(promDurationProblem("1h30m")).toBeUndefined();
    expect(promDurationProblem("0s")).toMatch(/greater than 0/);
    expect(promDurationProblem("293y")).toMatch(/out of range/);
    expect(promDurationProblem("292y")).toBeUndefined();
  });
});
