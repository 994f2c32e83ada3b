import { ArgumentError } from "../errors.js";
import { parseAllowList } from "./allow-list.js";
import type { GatePolicy, GateVerdict } from "./gate.js";
import { parseSeverity, parseSeverityList, type Severity } from "./severity.js";

/** The gate settings as a Dagger function receives them: strings, lists and an allow-list file's text. */
export interface PolicyArguments {
  severities: string;
  ignoreUnfixed: boolean;
  /** SEVERITY=n, e.g. HIGH=3: tolerate up to n findings of that severity. */
  maxCounts: string[];
  allowList?: { name: string; text: string };
  /** When the scan ran (ISO 8601): allow-list expiry is judged against it, so a report reads the same later. */
  now: string;
}

export function scanPolicy(args: PolicyArguments): GatePolicy {
  return {
    severities: parseSeverityList(args.severities, "severities"),
    ignoreUnfixed: args.ignoreUnfixed,
    maxCounts: parseMaxCounts(args.maxCounts),
    allowList: args.allowList ? parseAllowList(args.allowList.text, args.allowList.name) : [],
    now: new Date(args.now),
  };
}

function parseMaxCounts(items: string[]): Partial<Record<Severity, number>> {
  const counts: Partial<Record<Severity, number>> = {};
  for (const item of items) {
    const m = /^([A-Za-z]+)=(\d+)$/.exec(item.trim());
    if (!m) throw new ArgumentError("maxCounts", `"${item}" must look like SEVERITY=n, e.g. HIGH=3`);
    counts[parseSeverity(m[1]!, "maxCounts")] = Number(m[2]);
  }
  return counts;
}

/** One line per failing finding, for logs and a failed check: "CRITICAL CVE-… pkg 1.2.3 (fixed in 1.2.4): reason". */
export function failingLines(verdict: GateVerdict): string[] {
  return verdict.failing.map(({ finding: f, reason }) => {
    const fix = f.fixedVersion ? ` (fixed in ${f.fixedVersion})` : "";
    return `${f.severity} ${f.id} ${f.pkgName} ${f.installedVersion ?? ""}${fix}: ${reason}`.replace(/ +/g, " ");
  });
}

/** Trivy reads an ignore file's format from its name, so the mounted copy keeps the YAML suffix. */
export function ignoreFilePath(fileName: string, dir: string): string {
  return `${dir}/${/\.ya?ml$/.test(fileName) ? ".trivyignore.yaml" : ".trivyignore"}`;
}

/** Why a gate failed, as a failed check and the gate file say it: the summary, then up to 50 findings. */
export function gateFailureText(verdict: GateVerdict): string {
  return [verdict.summary, ...failingLines(verdict).slice(0, 50)].join("\n");
}
