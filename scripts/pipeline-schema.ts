// Writes pipelines/gantry.schema.json from the loader's schema (npm run schema); a unit test fails
// when the committed file differs, so the schema editors use and the loader cannot drift apart.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { PIPELINE_SCHEMA_FILE, pipelineJsonSchema } from "../core/pipeline/json-schema.js";

const path = fileURLToPath(new URL(`../${PIPELINE_SCHEMA_FILE}`, import.meta.url));
writeFileSync(path, pipelineJsonSchema());
console.log(`wrote ${PIPELINE_SCHEMA_FILE}`);
