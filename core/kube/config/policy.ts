// `environments.<name>.policy`: the Rego policies a deploy must pass before anything is applied.
import { z } from "zod";

import type { PolicyConfig } from "./types.js";

const SEGMENT = /^[A-Za-z0-9._][A-Za-z0-9._-]*$/;

/** A directory of the repository, relative to its root, that stays inside it. */
const repositoryDirectory = z
  .string()
  .refine(
    (path) => path.split("/").every((segment) => SEGMENT.test(segment) && segment !== "." && segment !== ".."),
    "expected a directory relative to the repository root (letters, digits, '.', '_', '-' between '/'; no '..', no leading '/')",
  );

const identity = z.union(
  [
    z.strictObject({
      issuer: z.string().min(1).describe("The OIDC issuer, e.g. https://token.actions.githubusercontent.com."),
      subject: z.string().min(1).describe("The certificate's subject (the workflow's identity)."),
    }),
    z.strictObject({ key: z.string().min(1).describe("The key the signature verifies with, as verify names it.") }),
  ],
  { error: "expected {issuer, subject} (keyless signing) or {key} (a signing key)" },
);

export const policySchema = z
  .strictObject({
    defaults: z
      .boolean()
      .default(true)
      .describe(
        "Evaluate Gantry's default policies (policies/gantry): digest-pinned, non-root, unprivileged, no host namespaces, resources set, signed by `identity`, scan passed within `maxScanAgeDays`.",
      ),
    directories: z
      .array(repositoryDirectory)
      .default([])
      .describe("More Rego policy directories in the repository; their `data.gantry.deny` rules join the defaults'."),
    identity: identity.optional().describe("Who must have signed the image (the default policies refuse an image without it)."),
    maxScanAgeDays: z.int().min(1).max(365).default(7).describe("How many days a passed scan counts."),
  })
  .refine((p) => p.defaults || p.directories.length > 0, {
    error: "with defaults: false, name at least one policy directory: an empty policy set would pass everything",
    path: ["directories"],
  });

export function policyFrom(p: z.output<typeof policySchema>): PolicyConfig {
  return { defaults: p.defaults, directories: p.directories, ...(p.identity ? { identity: p.identity } : {}), maxScanAgeDays: p.maxScanAgeDays };
}
