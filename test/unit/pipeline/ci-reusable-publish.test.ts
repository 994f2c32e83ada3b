// ci.github.reusablePublish: publish runs in a reusable workflow with the plain workflow's publish
// steps, called by the publish job with the permissions GitHub's SLSA Build L3 guide names.
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

import { ciFiles } from "../../../core/pipeline/ci/files.js";
import { GITHUB_PUBLISH_WORKFLOW_FILE, GITHUB_WORKFLOW_FILE } from "../../../core/pipeline/ci/github.js";
import { loadPipeline, PipelineError } from "../../../core/pipeline/load.js";
import { EXAMPLES } from "./ci-pipelines.js";

const canary = EXAMPLES.find((e) => e.name === "pipelines/canary-example.yaml")!;
const files = (reusablePublish: unknown, password?: string) =>
  ciFiles(
    {
      ...canary.pipeline,
      publish: { ...canary.pipeline.publish, ...(password ? { password } : {}) },
      ci: { ...canary.pipeline.ci, github: { reusablePublish: reusablePublish as never } },
    },
    canary.options,
  );
const PERMISSIONS = { contents: "read", packages: "write", "id-token": "write", attestations: "write" };

describe("publish in a reusable workflow", () => {
  it("is off by default: no extra file, publish runs its steps in the workflow", () => {
    const plain = ciFiles(canary.pipeline, canary.options);
    expect(Object.keys(plain)).not.toContain(GITHUB_PUBLISH_WORKFLOW_FILE);
    expect((parse(plain[GITHUB_WORKFLOW_FILE]!) as any).jobs.publish.steps).toBeDefined();
  });

  it("moves publish's steps, unchanged, into a workflow_call workflow whose output the deploy reads", () => {
    const plainJob = (parse(ciFiles(canary.pipeline, canary.options)[GITHUB_WORKFLOW_FILE]!) as any).jobs.publish;
    const generated = files(true);
    const caller = parse(generated[GITHUB_WORKFLOW_FILE]!) as any;
    const called = parse(generated[GITHUB_PUBLISH_WORKFLOW_FILE]!) as any;
    expect(caller.jobs.publish).toEqual({
      name: "publish",
      needs: plainJob.needs,
      if: plainJob.if,
      permissions: PERMISSIONS,
      uses: "./.github/workflows/gantry-publish.yml",
      with: { config: "pipelines/canary-example.yaml" },
    });
    expect(called.on.workflow_call.inputs.config).toMatchObject({ type: "string", required: true });
    expect(called.on.workflow_call.outputs.image.value).toBe("${{ jobs.publish.outputs.image }}");
    expect(called.permissions).toEqual(PERMISSIONS);
    expect(called.env.GANTRY_CONFIG).toBe("${{ inputs.config }}");
    expect(called.jobs.publish.steps).toEqual(plainJob.steps);
    expect(called.jobs.publish.outputs).toEqual(plainJob.outputs);
    expect(caller.jobs["deploy-staging"].steps.at(-1).env.GANTRY_IMAGE).toBe("${{ needs.publish.outputs.image }}");
  });

  it("hands a registry password secret to the called workflow by name", () => {
    const generated = files(true, "env:REGISTRY_TOKEN");
    expect((parse(generated[GITHUB_WORKFLOW_FILE]!) as any).jobs.publish.secrets).toEqual({ REGISTRY_TOKEN: "${{ secrets.REGISTRY_TOKEN }}" });
    expect((parse(generated[GITHUB_PUBLISH_WORKFLOW_FILE]!) as any).on.workflow_call.secrets).toEqual({
      REGISTRY_TOKEN: { description: "The registry password publish logs in with.", required: true },
    });
  });

  it("calls a central copy when told where it is", () => {
    const generated = files({ uses: "acme/ci/.github/workflows/gantry-publish.yml@v1" });
    expect((parse(generated[GITHUB_WORKFLOW_FILE]!) as any).jobs.publish.uses).toBe("acme/ci/.github/workflows/gantry-publish.yml@v1");
  });

  it("refuses a `uses` that is not a workflow in another repository, naming the field", () => {
    const text = "ci:\n  github:\n    reusablePublish: {uses: ./local.yml}\n";
    let error: unknown;
    try {
      loadPipeline(text, "pipelines/x.yaml");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PipelineError);
    expect((error as Error).message).toMatch(
      /^pipelines\/x\.yaml:3:29: ci\.github\.reusablePublish\.uses: expected <owner>\/<repository>\/\.github\/workflows\/<file>\.yml@<ref>/,
    );
  });
});
