import { describe, expect, it } from "vitest";

import { stageGraph } from "../../../core/pipeline/graph.js";
import { loadPipeline } from "../../../core/pipeline/load.js";
import { runSummaryMarkdown } from "../../../core/pipeline/run-summary.js";
import { runStages } from "../../../core/pipeline/runner.js";
import { DIGEST, replay } from "./recorded.js";

const PIPELINE = `
environments: {staging: {namespace: staging}}
stages:
  - name: test
  - name: build
  - {name: image, needs: [build]}
  - {name: scan, needs: [image]}
  - {name: publish, needs: [scan]}
  - {name: deploy-staging, environment: staging, needs: [publish]}
`;
const graph = stageGraph(loadPipeline(PIPELINE, "p.yaml").stages);

function clock() {
  let t = 0;
  return () => (t += 1500);
}

describe("the run summary", () => {
  it("shows stages with timings and cache flags, test counts, scan counts, pushed digests and rollout steps", async () => {
    const report = await runStages(graph, replay().execute, { ref: "refs/tags/v1.2.3", now: clock() });
    const md = runSummaryMarkdown(report);
    expect(md).toMatch(/^## ✅ Gantry pipeline passed for `refs\/tags\/v1\.2\.3` in \d+\.\d s\n/);
    expect(md).toContain("| Stage | Status | Time | Cache | Details |");
    // The fake clock ticks 1.5 s per reading; concurrent stages share it, so only the format is fixed.
    expect(md).toMatch(/\| build \| ✅ passed \| \d+\.\d s \| hit \| {2}\|/);
    expect(md).toMatch(/\| test \| ✅ passed \| \d+\.\d s \| miss \| {2}\|/);
    expect(md).toContain("| deploy-staging (staging) | ✅ passed | 1.5 s |  |  |");
    expect(md).toContain("42 passed, 0 failed, 1 skipped, coverage 81.3%");
    expect(md).toContain("### Scan (scan): passed");
    expect(md).toContain("| MEDIUM | 1 |");
    expect(md).toContain("| CRITICAL | 0 |");
    expect(md).toContain(`- \`ghcr.io/acme/hello-api:1.2.3@${DIGEST}\``);
    expect(md).toContain("### Rollout to staging (deploy-staging)");
    expect(md).toContain("| canary 20% | passed | error rate 0.002 (limit 0.01) ok |");
  });

  it("escapes HTML in reasons and step names, and shows why stages were skipped", async () => {
    const { execute } = replay({ test: new Error("panic: <script>alert(1)</script> & more") });
    const md = runSummaryMarkdown(await runStages(graph, execute, { ref: "main", now: clock() }));
    expect(md).toMatch(/^## ❌ Gantry pipeline failed/);
    expect(md).toMatch(/\| test \| ❌ failed \| \d+\.\d s \| {2}\| panic: &lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; more \|/);
    expect(md).not.toContain("<script>");
    expect(md).toContain("| publish | ⏭️ skipped |  |  | test failed |");
  });
});
