import type { PolicyArguments } from "../scan/policy.js";
import type { ScanConfig } from "./schema.js";

/** The gate's arguments from the pipeline's scan settings, the allow-list's text and the scan's start time. */
export function scanPolicyArguments(config: ScanConfig, allowList: { name: string; text: string } | undefined, now: string): PolicyArguments {
  return {
    severities: config.severities.join(","),
    ignoreUnfixed: config.ignoreUnfixed,
    maxCounts: Object.entries(config.maxCounts).map(([severity, n]) => `${severity}=${n}`),
    allowList,
    now,
  };
}
