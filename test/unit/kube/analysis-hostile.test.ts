// The hostile corpus (test/fixtures/analysis-hostile/): pipeline files that try to defeat the
// analysis gate, break every rollout or crash the loader, and answers a Prometheus (or a proxy in
// front of it) might give. Each carries its expected outcome. None may crash with a raw error, and
// none may pass a gate it should fail: a canary answering 50% HTTP 500 is rolled back under every
// pipeline that loads, and every answer that is not a measurement fails the check.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";

import { parseQueryResponse } from "../../../core/kube/analysis/prometheus-response.js";
import { thresholdCheck } from "../../../core/kube/analysis/verdict.js";
import type { AnalysisRun, Environment } from "../../../core/kube/config/types.js";
import { environmentOf } from "../../../core/pipeline/deploy-request.js";
import { workload } from "../../../core/kube/manifests/objects.js";
import { metricsFor, type Metrics, type Ports } from "../../../core/kube/ports.js";
import { planRollout } from "../../../core/kube/rollout/plan.js";
import { runRollout } from "../../../core/kube/runner.js";
import { loadPipeline, PipelineError } from "../../../core/pipeline/load.js";
import type { Pipeline } from "../../../core/pipeline/schema.js";
import { ClusterSimulation, FakeClock } from "../../support/kube-simulation.js";
import { IMAGE_A, IMAGE_B } from "./fixtures.js";

const CORPUS = fileURLToPath(new URL("../../fixtures/analysis-hostile/", import.meta.url));
const PIPELINES = join(CORPUS, "pipelines");
const ANSWERS = join(CORPUS, "prometheus");

/** `# expect: refused <field|-> <regex>` or `# expect: loads`, on the file's second line. */
function expectation(text: string, file: string): { loads: true } | { loads: false; field: string; message: RegExp } {
  const line = /^# expect: (.*)$/m.exec(text)?.[1];
  if (!line) throw new Error(`${file}: no "# expect:" line`);
  if (line === "loads") return { loads: true };
  const m = /^refused (\S+) (.+)$/.exec(line);
  if (!m) throw new Error(`${file}: cannot read "# expect: ${line}"`);
  return { loads: false, field: m[1]!, message: new RegExp(m[2]!) };
}

function analysisRuns(env: Environment): AnalysisRun[] {
  const s = env.strategy;
  if (s.kind === "canary") return s.steps.flatMap((step) => ("analysis" in step ? [step.analysis] : []));
  if (s.kind === "blueGreen" && s.prePromotionAnalysis) return [s.prePromotionAnalysis];
  return [];
}

const vector = (value: string) => JSON.stringify({ status: "success", data: { resultType: "vector", result: [{ metric: {}, value: [1765000000, value] }] } });
const answering = (errorRate: string, p99: string): Metrics => ({
  query: async (q) => vector(q.includes("histogram_quantile") ? p99 : q.includes("increase(") ? "1000" : errorRate),
});

/** Rolls out IMAGE_A, then IMAGE_B measured by `metrics` (simulation of a cluster, real decisions). */
async function rollOut(pipeline: Pipeline, environment: string, metrics: Metrics) {
  const clock = new FakeClock();
  const cluster = new ClusterSimulation(clock);
  const ports: Ports = { kubectl: cluster, clock, metrics, http: { get: async () => ({ status: 200, body: "" }) } };
  const env = environmentOf(pipeline, environment);
  await runRollout(planRollout(workload(pipeline.name ?? "hello-api", IMAGE_A, env)), ports);
  return runRollout(planRollout(workload(pipeline.name ?? "hello-api", IMAGE_B, env)), ports);
}

describe("hostile pipeline files", () => {
  const files = readdirSync(PIPELINES)
    .filter((f) => f.endsWith(".yaml"))
    .sort();
  it("the corpus has at least 60 files", () => expect(files.length).toBeGreaterThanOrEqual(60));

  for (const file of files) {
    const text = readFileSync(join(PIPELINES, file), "utf8");
    const expected = expectation(text, file);
    const name = `pipelines/${file}`;

    if (!expected.loads) {
      it(`${file}: refused, located (${expected.field})`, () => {
        let error: unknown;
        try {
          loadPipeline(text, name);
        } catch (e) {
          error = e;
        }
        // A raw error (TypeError, ReferenceError, RangeError) fails here, not a located one.
        expect(error, `${file} loaded`).toBeInstanceOf(PipelineError);
        const lines = (error as Error).message.split("\n");
        const field = expected.field === "-" ? "" : `${expected.field.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: `;
        const located = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:\\d+:\\d+: ${field}`);
        expect(
          lines.some((l) => located.test(l) && expected.message.test(l)),
          `expected a line "${name}:L:C: ${expected.field}: /${expected.message.source}/", got:\n${(error as Error).message.slice(0, 600)}`,
        ).toBe(true);
      });
      continue;
    }

    it(`${file}: loads, and its gate holds (50% HTTP 500 rolls back, a healthy canary is promoted)`, async () => {
      const pipeline = loadPipeline(text, name);
      for (const environment of Object.keys(pipeline.environments)) {
        const env = environmentOf(pipeline, environment);
        for (const run of analysisRuns(env)) expect(run.failureLimit).toBeLessThan(run.count);
        if (!env.analysis) continue;
        const bad = await rollOut(pipeline, environment, answering("0.5", "0.1"));
        expect(bad.verdict, bad.reason).toBe("aborted");
        expect(bad.reason).toMatch(/error rate 50\.00% is over the limit/);
        const good = await rollOut(pipeline, environment, answering("0", "0.1"));
        expect(good.verdict, good.reason).toBe("promoted");
      }
    });
  }
});

interface Answer {
  file: string;
  httpStatus?: number;
  outcome: "pass" | "fail";
  value?: number;
  detail?: string;
}

describe("hostile Prometheus answers, through a real HTTP server", () => {
  const answers = (parse(readFileSync(join(ANSWERS, "answers.yaml"), "utf8")) as { answers: Answer[] }).answers;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    // Serves /<file>/api/v1/query with the file's body and status, as a Prometheus at http://host/<file> would.
    server = createServer((req, res) => {
      const file = decodeURIComponent((req.url ?? "").split("/")[1] ?? "");
      const answer = answers.find((a) => a.file === file);
      if (!answer) return void res.writeHead(404).end();
      res.writeHead(answer.httpStatus ?? 200, { "Content-Type": "application/json" }).end(readFileSync(join(ANSWERS, file)));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server?.close(resolve)));

  it("the corpus has at least 20 answers, every one a file", () => {
    expect(answers.length).toBeGreaterThanOrEqual(20);
    expect(new Set(answers.map((a) => a.file))).toEqual(new Set(readdirSync(ANSWERS).filter((f) => f.endsWith(".txt"))));
  });

  const http = { get: async (u: string) => fetch(u).then(async (r) => ({ status: r.status, body: await r.text() })) };
  const kubectl = { run: async () => ({ status: 1, stdout: "", stderr: "no cluster here" }) };

  for (const answer of answers) {
    it(`${answer.file}: ${answer.outcome === "pass" ? `a measurement of ${answer.value}` : "not a passing measurement"}`, async () => {
      const metrics = metricsFor({ url: `${url}/${answer.file}` }, { kubectl, http });
      // What the runner does with a query (core/kube/runner.ts measure): an answer, or unreachable.
      const result = await metrics
        .query("up")
        .then(parseQueryResponse, (e: Error) => ({ ok: false as const, problem: `Prometheus unreachable: ${e.message}` }));
      const check = thresholdCheck("error rate", result, 0.01, "ratio");
      if (answer.outcome === "pass") {
        expect(check, check.detail).toMatchObject({ ok: true, value: answer.value });
      } else {
        expect(check.ok).toBe(false);
        expect(check.detail).toMatch(new RegExp(answer.detail!));
      }
    });
  }

  it("every failing answer rolls a canary back (simulation of the cluster, real HTTP to the answers)", async () => {
    const pipeline = loadPipeline(
      "name: hello-api\nenvironments:\n  staging:\n    namespace: shop\n    analysis: {prometheus: 'http://127.0.0.1:1', count: 1}\n    strategy: {type: canary, steps: [{setWeight: 50}, {analysis: {}}, {setWeight: 100}]}\n",
      "pipelines/hello.yaml",
    );
    for (const answer of answers.filter((a) => a.outcome === "fail")) {
      const metrics = metricsFor({ url: `${url}/${answer.file}` }, { kubectl, http });
      const report = await rollOut(pipeline, "staging", metrics);
      expect(report.verdict, `${answer.file}: ${report.reason}`).toBe("aborted");
    }
  });
});
