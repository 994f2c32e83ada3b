import { describe, expect, it } from "vitest";

import { deployChain, DEFAULT_STAGES, stageGraph } from "../../../core/pipeline/graph.js";
import { loadPipeline } from "../../../core/pipeline/load.js";

describe("what deploy --environment runs before rolling out", () => {
  it("is the environment's deploy stage and what it waits for, when the file has one", () => {
    const p = loadPipeline(
      "environments: {staging: {namespace: s}}\nstages:\n  - name: test\n  - name: build\n  - name: image\n    needs: [build]\n  - name: scan\n    needs: [image]\n  - name: publish\n    needs: [test, scan]\n  - name: to-staging\n    environment: staging\n    needs: [publish]\n",
      "p.yaml",
    );
    expect(deployChain(stageGraph(p.stages), "staging")).toEqual({ selection: { environment: "staging" }, rollsOut: "deploy-stage" });
  });

  it("is the chain up to publish when no stage deploys there, so test and scan still gate the push", () => {
    expect(deployChain(stageGraph(structuredClone(DEFAULT_STAGES)), "staging")).toEqual({ selection: { stage: "publish" }, rollsOut: "after-publish", publish: "publish" });
  });

  it("refuses when nothing would push an image, naming --image", () => {
    expect(() => deployChain(stageGraph([{ name: "test", needs: [] } as never]), "staging")).toThrow(/no publish stage .*--image/);
  });
});
