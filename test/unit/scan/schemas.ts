import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import Ajv07 from "ajv";
import AjvDraft04 from "ajv-draft-04";
import addFormats from "ajv-formats";

const require = createRequire(import.meta.url);

/**
 * The SARIF 2.1.0 JSON schema (rtm.5, the text OASIS published as sarif-schema-2.1.0.json) as
 * shipped in the npm package @microsoft/jest-sarif (MIT). It is a draft-04 schema.
 */
const SARIF_SCHEMA_PATH = require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");

/** Gantry's own GitLab container-scanning schema: GitLab's files are in no registry we can use. */
const GITLAB_SCHEMA_URL = new URL("./schemas/gitlab-container-scanning-15.0.x.gantry.schema.json", import.meta.url);

export type Validate = (document: unknown) => string[];

function compile(ajv: { compile(schema: object): { (d: unknown): boolean; errors?: unknown } }, schema: object): Validate {
  const check = ajv.compile(schema);
  return (document) => {
    if (check(document)) return [];
    return ((check.errors ?? []) as { instancePath: string; message?: string; params?: unknown }[]).map(
      (e) => `${e.instancePath || "/"} ${e.message ?? ""} ${JSON.stringify(e.params ?? {})}`,
    );
  };
}

export function sarifValidator(): Validate {
  // The schema's "language" pattern has a stray ']', which only non-unicode regular expressions accept.
  const ajv = new AjvDraft04({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  return compile(ajv, JSON.parse(readFileSync(SARIF_SCHEMA_PATH, "utf8")) as object);
}

export function gitlabValidator(): Validate {
  const ajv = new Ajv07({ allErrors: true, strict: true });
  addFormats(ajv);
  return compile(ajv, JSON.parse(readFileSync(GITLAB_SCHEMA_URL, "utf8")) as object);
}
