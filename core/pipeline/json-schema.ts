import { z } from "zod";

import { pipelineSchema } from "./schema.js";

export const PIPELINE_SCHEMA_FILE = "pipelines/gantry.schema.json";

/** The published JSON Schema of pipeline files, generated from the schema the loader uses. */
export function pipelineJsonSchema(): string {
  const schema = z.toJSONSchema(pipelineSchema, { io: "input", target: "draft-2020-12" });
  return `${JSON.stringify({ ...schema, $id: "https://gantry.dev/schemas/pipeline.json", title: "Gantry pipeline" }, null, 2)}\n`;
}
