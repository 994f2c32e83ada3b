// Function arguments override the pipeline file, setting by setting. Each argument is checked by the
// same schema field as the file's key of the same name, so both give the same verdict; an argument's
// error names the flag instead of a line.
import type { z } from "zod";

import { ArgumentError } from "../errors.js";
import { goSchema, imageSchema, publishSchema, scanSchema, testSchema, type Pipeline } from "./schema.js";

const SECTIONS = { go: goSchema, test: testSchema, image: imageSchema, scan: scanSchema, publish: publishSchema } as const;
type Section = keyof typeof SECTIONS;

/** Per section, the arguments a function was given; undefined means "as the file says". */
export type Overrides = { [S in Section]?: Partial<Pipeline[S]> };

export function applyOverrides(pipeline: Pipeline, overrides: Overrides): Pipeline {
  const result: Pipeline = { ...pipeline };
  for (const section of Object.keys(overrides) as Section[]) {
    const given = overrides[section] ?? {};
    const shape = SECTIONS[section].shape as Record<string, z.ZodType>;
    const merged: Record<string, unknown> = { ...pipeline[section] };
    for (const [key, value] of Object.entries(given)) {
      if (value === undefined) continue;
      const field = shape[key];
      if (!field) throw new Error(`no ${section}.${key} setting`); // a programming error, not user input
      const parsed = field.safeParse(value);
      if (!parsed.success) throw new ArgumentError(key, parsed.error.issues.map((i) => i.message).join("; "));
      merged[key] = parsed.data;
    }
    (result as Record<Section, unknown>)[section] = merged;
  }
  return result;
}
