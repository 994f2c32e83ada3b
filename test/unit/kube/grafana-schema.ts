// Grafana's dashboard JSON schema (test/fixtures/grafana, see SOURCES.md), compiled with ajv.
import { readFileSync } from "node:fs";
import Ajv07 from "ajv";
import addFormats from "ajv-formats";

const SCHEMA_URL = new URL("../../fixtures/grafana/dashboard.jsonschema.json", import.meta.url);

/**
 * What the vendored schema (generated for an older Grafana) lacks and the current Grafana writes:
 * each a field Grafana's own dashboard types and the foundation SDK 0.0.21 have. Nothing else is
 * relaxed. The threshold base step is null in every dashboard Grafana saves (the schema's own
 * description: "Nulls currently appear here when serializing -Infinity to JSON").
 */
export const NEWER_THAN_SCHEMA = {
  "VariableModel.allowCustomValue": { type: "boolean" },
  "VariableModel.includeAll": { type: "boolean" },
  "AnnotationQuery.placement": { enum: ["inControlsMenu"] },
  "Threshold.value": { type: ["number", "null"] },
} as const;

type Schema = { definitions: Record<string, { properties: Record<string, unknown> }> };

export function grafanaSchema(): Schema {
  const schema = JSON.parse(readFileSync(SCHEMA_URL, "utf8")) as Schema;
  for (const [path, property] of Object.entries(NEWER_THAN_SCHEMA)) {
    const [definition, name] = path.split(".") as [string, string];
    schema.definitions[definition]!.properties[name] = property;
  }
  return schema;
}

/** ajv's errors for `document` against the schema's `definition` (the whole dashboard by default); [] when valid. */
export function grafanaValidator(definition?: string): (document: unknown) => string[] {
  const ajv = new Ajv07({ allErrors: true, strict: false });
  addFormats(ajv);
  const schema = grafanaSchema();
  const check = ajv.compile(definition ? { ...schema, $ref: `#/definitions/${definition}` } : schema);
  return (document) => (check(document) ? [] : (check.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? ""} ${JSON.stringify(e.params)}`));
}
