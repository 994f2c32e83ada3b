import { ArgumentError } from "../errors.js";
import { sortFindings } from "./gate.js";
import { publishedImageReference } from "./image-ref.js";
import { JsonArrayWriter, jsonObject, jsonString, jsonText } from "./json-text.js";
import { memoized } from "./memo.js";
import type { Severity } from "./severity.js";
import { stableUuidOfFields } from "./stable-hash.js";
import { findingsOf, type Finding, type TrivyReport } from "./trivy-report.js";

/**
 * GitLab security report schema version written. GitLab 16 to 18 accept 15.0.x (GitLab validates a
 * report against the declared version and rejects versions it does not vendor), and 15.0.7 is the
 * last 15.0 release.
 */
export const GITLAB_REPORT_SCHEMA_VERSION = "15.0.7";
export const GITLAB_REPORT_SCHEMA_URI = `https://gitlab.com/gitlab-org/security-products/security-report-schemas/-/raw/v${GITLAB_REPORT_SCHEMA_VERSION}/dist/container-scanning-report-format.json`;

export interface GitLabOptions {
  /** The image's published reference (e.g. registry.gitlab.com/acme/api:1.2.3); GitLab shows it and
   * matches findings by it. A tarball path is rejected. */
  imageName: string;
  startTime: Date;
  endTime: Date;
  /** Gantry's version, recorded as the analyzer's. */
  analyzerVersion: string;
}

export interface GitLabContainerScanningReport {
  version: string;
  schema: string;
  scan: {
    analyzer: GitLabTool;
    scanner: GitLabTool;
    type: "container_scanning";
    start_time: string;
    end_time: string;
    status: "success";
  };
  vulnerabilities: GitLabVulnerability[];
  remediations: [];
}

export interface GitLabTool {
  id: string;
  name: string;
  version: string;
  url?: string;
  vendor: { name: string };
}

export interface GitLabVulnerability {
  id: string;
  name: string;
  description: string;
  severity: "Info" | "Unknown" | "Low" | "Medium" | "High" | "Critical";
  solution?: string;
  identifiers: GitLabIdentifier[];
  links: { url: string }[];
  location: {
    dependency: { package: { name: string }; version: string };
    operating_system: string;
    image: string;
  };
}

export interface GitLabIdentifier {
  type: string;
  name: string;
  value: string;
  url?: string;
}

/** Schema limits on text fields (container-scanning-report-format 15.x). */
const MAX_NAME = 255;
const MAX_DESCRIPTION = 1_048_576;
const MAX_SOLUTION = 7_000;

/**
 * Converts a Trivy report to GitLab's container-scanning report (`artifacts:reports:container_scanning`),
 * one vulnerability per finding, as compact JSON text. IDs are derived from the finding, so the same
 * finding keeps its ID.
 */
export function toGitLabContainerScanningJson(report: TrivyReport, options: GitLabOptions): string {
  publishedImageReference(options.imageName, "imageName");
  if (options.endTime.getTime() < options.startTime.getTime()) {
    throw new ArgumentError("endTime", "the scan cannot end before it started");
  }
  const scan = {
    analyzer: { id: "gantry", name: "Gantry", version: options.analyzerVersion, vendor: { name: "Gantry" } },
    scanner: {
      id: "trivy",
      name: "Trivy",
      // The Trivy that wrote the report, which may not be the pinned one (a report passed in).
      version: report.trivyVersion || "unknown",
      url: "https://github.com/aquasecurity/trivy",
      vendor: { name: "Aqua Security" },
    },
    type: "container_scanning",
    start_time: gitlabTime(options.startTime),
    end_time: gitlabTime(options.endTime),
    status: "success",
  };
  const os = (report.os ? [report.os.family, report.os.name].filter(Boolean).join(" ") : "Unknown") || "Unknown";
  const osAndImage = `"operating_system":${jsonString(os)},"image":${jsonString(options.imageName)}`;
  // One CVE recurs across packages and targets: its identifiers are written once, from its first finding.
  const identifiers = new Map<string, string>();
  const cweIdentifier = memoized(cweIdentifierJson);
  const vulnerabilities = new JsonArrayWriter();
  for (const f of sortFindings(findingsOf(report))) {
    let ids = identifiers.get(f.id);
    if (ids === undefined) identifiers.set(f.id, (ids = identifiersJson(f, cweIdentifier)));
    vulnerabilities.add(vulnerabilityJson(f, ids, options.imageName, osAndImage));
  }
  return jsonObject({
    version: jsonString(GITLAB_REPORT_SCHEMA_VERSION),
    schema: jsonString(GITLAB_REPORT_SCHEMA_URI),
    scan: JSON.stringify(scan),
    vulnerabilities: vulnerabilities.json(),
    remediations: "[]",
  });
}

/** The same report as objects (parsed from the JSON text, so both always agree). */
export function toGitLabContainerScanning(report: TrivyReport, options: GitLabOptions): GitLabContainerScanningReport {
  return JSON.parse(toGitLabContainerScanningJson(report, options)) as GitLabContainerScanningReport;
}

/** One vulnerability as JSON; `osAndImage` are its location's operating_system and image members. */
function vulnerabilityJson(f: Finding, identifiersJson: string, image: string, osAndImage: string): string {
  // PkgPath tells apart two copies of one package (two jars, two binaries) in one target; it is
  // added only when present so findings without one keep the IDs they had.
  const fields = [f.id, f.pkgName, f.installedVersion ?? "", f.target, image];
  if (f.pkgPath) fields.push(f.pkgPath);
  const id = stableUuidOfFields(fields);
  const pkg = jsonText(f.pkgName);
  const name = jsonText(cut(f.title || f.id, MAX_NAME));
  const description = jsonText(cut(f.description || f.title || f.id, MAX_DESCRIPTION));
  return (
    `{"id":"${id}","name":"${name}","description":"${description}","severity":"${GITLAB_SEVERITY[f.severity]}",` +
    `"identifiers":${identifiersJson},"links":[${linksJson(f.references)}],` +
    `"location":{"dependency":{"package":{"name":"${pkg}"},"version":"${jsonText(f.installedVersion || "unknown")}"},${osAndImage}}` +
    `${f.fixedVersion ? `,"solution":"${solutionText(f.pkgName, pkg, f.fixedVersion)}"` : ""}}`
  );
}

/** "Upgrade <package> to <version>" as JSON text, cut to the schema's length. */
function solutionText(pkgName: string, pkgText: string, fixedVersion: string): string {
  const length = "Upgrade ".length + pkgName.length + " to ".length + fixedVersion.length;
  // From escaped pieces: escaping the joined text would first copy it, on every fixable finding.
  return length <= MAX_SOLUTION ? `Upgrade ${pkgText} to ${jsonText(fixedVersion)}` : jsonText(cut(`Upgrade ${pkgName} to ${fixedVersion}`, MAX_SOLUTION));
}

/** Each distinct reference that is a URL GitLab accepts, in order, as JSON array items. */
function linksJson(references: readonly string[]): string {
  let links = "";
  for (let i = 0; i < references.length; i++) {
    const url = references[i]!;
    if (references.indexOf(url) === i && isLinkUrl(url)) links += `${links ? "," : ""}{"url":"${jsonText(url)}"}`;
  }
  return links;
}

const GITLAB_SEVERITY: Record<Severity, GitLabVulnerability["severity"]> = {
  UNKNOWN: "Unknown",
  LOW: "Low",
  MEDIUM: "Medium",
  HIGH: "High",
  CRITICAL: "Critical",
};

/** An ID's identifiers as JSON: the ID itself, then the CWEs it names. */
function identifiersJson(f: Finding, cweIdentifierJson: (cwe: string) => string): string {
  const cwes = f.cweIds.map(cweIdentifierJson).filter((json) => json !== "");
  return `[${[primaryIdentifierJson(f), ...cwes].join(",")}]`;
}

function primaryIdentifierJson(f: Finding): string {
  const id = f.id;
  const type = /^CVE-/i.test(id) ? "cve" : /^GHSA-/i.test(id) ? "ghsa" : (/^([A-Za-z]+)-/.exec(id)?.[1]?.toLowerCase() ?? "trivy");
  const url = isLinkUrl(f.primaryUrl)
    ? f.primaryUrl
    : type === "cve"
      ? `https://nvd.nist.gov/vuln/detail/${encodeURIComponent(id)}`
      : type === "ghsa"
        ? `https://github.com/advisories/${encodeURIComponent(id)}`
        : undefined;
  const idJson = jsonString(id);
  return `{"type":${jsonString(type)},"name":${idJson},"value":${idJson}${url ? `,"url":${jsonString(url)}` : ""}}`;
}

/** A CWE identifier as JSON, or "" for text that names no CWE (such as NVD-CWE-Other). */
function cweIdentifierJson(cwe: string): string {
  const number = /^CWE-(\d+)$/i.exec(cwe)?.[1];
  return number ? `{"type":"cwe","name":"CWE-${number}","value":"${number}","url":"https://cwe.mitre.org/data/definitions/${number}.html"}` : "";
}

/** An absolute http(s) or ftp URL with a host, as the schema's "uri" format and GitLab accept. */
const LINK_URL = /^(?:https?|ftp):\/\/[A-Za-z0-9.-]+(?::\d+)?(?:[/?#][^\s]*)?$/;

function isLinkUrl(url: string | undefined): url is string {
  return url !== undefined && LINK_URL.test(url);
}

/** GitLab's schema wants YYYY-MM-DDTHH:MM:SS, UTC, without zone or fractions. */
function gitlabTime(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new ArgumentError("startTime", "not a valid time");
  return date.toISOString().slice(0, 19);
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
