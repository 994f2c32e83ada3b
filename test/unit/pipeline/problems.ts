import { expect } from "vitest";

import { loadPipeline, PipelineError } from "../../../core/pipeline/load.js";

export const FILE = "pipelines/svc.yaml";

/** The loader's message for a pipeline it must refuse. */
export function problems(text: string): string {
  try {
    loadPipeline(text, FILE);
  } catch (e) {
    expect(e).toBeInstanceOf(PipelineError);
    return (e as Error).message;
  }
  throw new Error("expected the pipeline to be refused");
}
