// The engine test module's engine-free parts, run here: what it reads from the pipeline file (the
// expectations of its checks), how it parses what Gantry returns, and how `all` reports failures.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import type { Directory } from "@dagger.io/dagger";
import { describe, expect, it } from "vitest";

import { loadPipeline } from "../../../core/pipeline/load.js";
import { workloadLines } from "../../../core/kube/report.js";
import { parsePushedRef, parseWorkload } from "../../engine/module/src/parse.js";
import { pipelineFacts } from "../../engine/module/src/pipeline.js";
import { runChecks } from "../../engine/module/src/run-checks.js";

const PIPELINE = "pipelines/gantry.yaml";
const pipelineText = readFileSync(fileURLToPath(new URL(`../../../${PIPELINE}`, import.meta.url)), "utf8");

/** A Directory that serves only the pipeline file's text, which is all pipelineFacts reads. */
function repositoryWith(text: string): Directory {
  return { file: (path: string) => ({ contents: async () => (path === PIPELINE ? text : Promise.reject(new Error(`no ${path}`))) }) } as unknown as Directory;
}

describe("engine test module: facts read from the pipeline file", () => {
  it("reads what Gantry's own loader reads from pipelines/gantry.yaml", async () => {
    const facts = await pipelineFacts(repositoryWith(pipelineText));
    const pipeline = loadPipeline(pipelineText, PIPELINE);
    expect(facts).toEqual({
      name: pipeline.name,
      goModule: pipeline.source,
      platforms: pipeline.go.platforms,
      gatedSeverities: pipeline.scan.severities,
      licenses: pipeline.image.labels["org.opencontainers.image.licenses"],
    });
  });

  it("names the field it cannot find", async () => {
    await expect(pipelineFacts(repositoryWith(pipelineText.replace(/^scan:\n\s+severities:.*$/m, "scan: {}")))).rejects.toThrow(/scan\.severities/);
  });
});

describe("engine test module: all", () => {
  it("returns every check's line when all pass", async () => {
    await expect(
      runChecks([
        ["a", async () => "a: ok"],
        ["b", async () => "b: ok"],
      ]),
    ).resolves.toBe("a: ok\nb: ok");
  });

  it("runs every check and names each one that failed, with its reason", async () => {
    const ran: string[] = [];
    const check = (name: string, fails: boolean) => async () => {
      ran.push(name);
      if (fails) throw new Error(`${name} broke`);
      return `${name}: ok`;
    };
    const result = runChecks([
      ["binaries", check("binaries", true)],
      ["image", check("image", false)],
      ["scan", check("scan", true)],
    ]);
    await expect(result).rejects.toThrow(/^2 of 3 checks failed: binaries, scan\nbinaries: binaries broke\nscan: scan broke\npassed:\nimage: ok$/);
    expect(ran).toEqual(["binaries", "image", "scan"]);
  });
});

describe("engine test module: parsing what Gantry returns", () => {
  const digest = `sha256:${"b".repeat(64)}`;

  it("splits publish's repo:tag@digest, a registry with a port included", () => {
    expect(parsePushedRef(`registry:5000/hello-api:1.2.3@${digest}`, "registry:5000/hello-api")).toEqual({ tag: "1.2.3", digest });
    expect(() => parsePushedRef(`registry:5000/other:1@${digest}`, "registry:5000/hello-api")).toThrow(/not registry:5000\/hello-api:<tag>@sha256/);
    expect(() => parsePushedRef("registry:5000/hello-api:1", "registry:5000/hello-api")).toThrow(/not registry/);
  });

  it("reads a workloads line as Gantry writes it, and names a line in another format", () => {
    const [line] = workloadLines({
      "hello-api": {
        name: "hello-api",
        image: `registry:5000/hello-api@${digest}`,
        revision: "5d6f7a8b9c",
        specReplicas: 4,
        replicas: 4,
        updatedReplicas: 4,
        readyReplicas: 3,
        current: true,
        deadlineExceeded: false,
      },
    });
    expect(parseWorkload(line!)).toEqual({ name: "hello-api", image: `registry:5000/hello-api@${digest}`, revision: "5d6f7a8b9c", ready: 3, desired: 4 });
    expect(() => parseWorkload("hello-api 4/4")).toThrow(/"hello-api 4\/4" is not "deployment\/<name>/);
  });
});
