// `environments.<name>.chart`: the user's Helm chart as the environment's objects (issue 21, item 1).
// Its own file so that the environment schema gains one line for it.
import { z } from "zod";

import { dnsLabel, dnsName } from "./fields.js";

/** A values path as helm's --set names it: keys joined by dots (image.repository). */
const valuesPath = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)*$/, "expected a values path such as image.repository (keys joined by '.')");
/** A path inside the repository: relative, no '..' (the chart must be in what Gantry was given). */
const repositoryPath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith("/") && !p.split("/").includes(".."), "expected a path inside the repository (relative, no '..')");
const digest = z.string().regex(/^sha256:[0-9a-f]{64}$/, "expected a digest such as sha256:<64 hex>");
const ociChart = z
  .string()
  .regex(/^oci:\/\/[^\s/@:]+(:\d+)?(\/[a-z0-9._-]+)+$/, "expected oci://<registry>/<path>/<chart> (the version or digest goes in version: or digest:)");

export const chartSchema = z
  .strictObject({
    path: repositoryPath.optional().describe("The chart's directory in the repository."),
    oci: ociChart.optional().describe("An OCI chart, e.g. oci://ghcr.io/acme/charts/api; pinned by version: or digest:."),
    version: z.string().min(1).optional().describe("The OCI chart's version (its tag)."),
    digest: digest.optional().describe("The OCI chart's digest (sha256:...), which pins its bytes."),
    values: z.array(repositoryPath).default([]).describe("Values files in the repository, in order (later ones win)."),
    release: dnsLabel.optional().describe("The release name the chart is rendered with. Default: the service's name."),
    image: z
      .union([
        z.strictObject({ repository: valuesPath.default("image.repository"), digest: valuesPath.default("image.digest") }),
        z.strictObject({ repository: valuesPath.default("image.repository"), tag: valuesPath }),
      ])
      .prefault({})
      .describe(
        "Values paths that receive the pushed image: repository and digest (default image.repository, image.digest), or repository and tag (the tag gets <version>@sha256:...).",
      ),
    workload: dnsName.optional().describe("The Deployment to roll out, by name, when the chart renders several."),
  })
  .superRefine((c, ctx) => {
    if ((c.path === undefined) === (c.oci === undefined))
      ctx.addIssue({ code: "custom", message: "name the chart by path: (a directory in the repository) or oci: (an OCI reference), one of the two" });
    if (c.path !== undefined && (c.version !== undefined || c.digest !== undefined))
      ctx.addIssue({
        code: "custom",
        path: [c.version !== undefined ? "version" : "digest"],
        message: "pins an OCI chart only; a chart directory is pinned by the commit",
      });
    if (c.oci !== undefined && c.version === undefined && c.digest === undefined)
      ctx.addIssue({
        code: "custom",
        path: ["oci"],
        message: "pin the OCI chart by version: or digest: (a chart that changes under the same name would change what deploys)",
      });
  });

/** Where the pushed image goes in the chart's values. */
export type ChartImageValues = { repository: string; digest: string } | { repository: string; tag: string };

/** The environment's chart, normalised. */
export interface ChartConfig {
  source: { kind: "path"; path: string } | { kind: "oci"; ref: string; version?: string; digest?: string };
  values: string[];
  release?: string;
  image: ChartImageValues;
  workload?: string;
}

export function chartFrom(c: z.output<typeof chartSchema>): ChartConfig {
  const source: ChartConfig["source"] =
    c.path !== undefined
      ? { kind: "path", path: c.path }
      : { kind: "oci", ref: c.oci!, ...(c.version ? { version: c.version } : {}), ...(c.digest ? { digest: c.digest } : {}) };
  return { source, values: c.values, ...(c.release ? { release: c.release } : {}), image: c.image, ...(c.workload ? { workload: c.workload } : {}) };
}
