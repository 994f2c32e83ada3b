import { describe, expect, it } from "vitest";

import { deployChain, DEFAULT_STAGES, publishChain, stageGraph } from "../../../core/pipeline/graph.js";
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
    expect(deployChain(stageGraph(structuredClone(DEFAULT_STAGES)), "staging")).toEqual({
      selection: { stage: "publish" },
      rollsOut: "after-publish",
      publish: "publish",
    });
  });

  it("refuses when nothing would push an image, naming --image", () => {
    expect(() => deployChain(stageGraph([{ name: "test", needs: [] } as never]), "staging")).toThrow(/no publish stage .*--image/);
  });
});

describe("what the embedded demo publishes before rolling out itself", () => {
  it("is the publish stage the environment's deploy stage takes its image from", () => {
    const p = loadPipeline(
      "environments: {staging: {namespace: s}, production: {namespace: p}}\nstages:\n  - name: test\n  - name: publish-rc\n    kind: publish\n    needs: [test]\n  - name: publish-final\n    kind: publish\n    needs: [test]\n  - name: to-staging\n    environment: staging\n    needs: [publish-rc]\n  - name: to-production\n    environment: production\n    needs: [publish-final]\n",
      "p.yaml",
    );
    expect(publishChain(stageGraph(p.stages), "production")).toEqual({ selection: { stage: "publish-final" }, publish: "publish-final" });
    expect(publishChain(stageGraph(p.stages), "staging")).toEqual({ selection: { stage: "publish-rc" }, publish: "publish-rc" });
  });

  it("is the pipeline's publish stage when no stage deploys there, and an error naming --image when none exists", () => {
    expect(publishChain(stageGraph(structuredClone(DEFAULT_STAGES)), "staging")).toEqual({ selection: { stage: "publish" }, publish: "publish" });
    expect(() => publishChain(stageGraph([{ name: "test", needs: [] } as never]), "staging")).toThrow(
      /no publish stage pushes the image that goes to staging: .*--image/,
    );
  });
});
