import { ArgumentError } from "../errors.js";
import { compareFindings } from "./gate.js";
import { publishedImageReference } from "./image-ref.js";
import type { Severity } from "./severity.js";
import { stableHash128 } from "./stable-hash.js";
import { findingsOf, type Finding, type TrivyReport } from "./trivy-report.js";
import { TRIVY_VERSION } from "./trivy-plan.js";

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
 * one vulnerability per finding. IDs are derived from the finding, so the same finding keeps its ID.
 */
export function toGitLabContainerScanning(report: TrivyReport, options: GitLabOptions): GitLabContainerScanningReport {
  publishedImageReference(options.imageName, "imageName");
  if (options.endTime.getTime() < options.startTime.getTime()) {
    throw new ArgumentError("endTime", "the scan cannot end before it started");
  }
  const os = report.os ? [report.os.family, report.os.name].filter(Boolean).join(" ") : "Unknown";
  const identifiers = new Map<string, GitLabIdentifier[]>();
  const identifiersOf = (f: Finding) => {
    // One CVE recurs across packages and targets: build its identifiers once.
    let ids = identifiers.get(f.id);
    if (!ids) identifiers.set(f.id, (ids = [primaryIdentifier(f), ...cweIdentifiers(f)]));
    return ids;
  };
  return {
    version: GITLAB_REPORT_SCHEMA_VERSION,
    schema: GITLAB_REPORT_SCHEMA_URI,
    scan: {
      analyzer: { id: "gantry", name: "Gantry", version: options.analyzerVersion, vendor: { name: "Gantry" } },
      scanner: {
        id: "trivy",
        name: "Trivy",
        version: report.trivyVersion ?? TRIVY_VERSION,
        url: "https://github.com/aquasecurity/trivy",
        vendor: { name: "Aqua Security" },
      },
      type: "container_scanning",
      start_time: gitlabTime(options.startTime),
      end_time: gitlabTime(options.endTime),
      status: "success",
    },
    vulnerabilities: findingsOf(report)
      .sort(compareFindings)
      .map((f) => vulnerability(f, identifiersOf(f), options.imageName, os || "Unknown")),
    remediations: [],
  };
}

function vulnerability(f: Finding, identifiers: GitLabIdentifier[], image: string, os: string): GitLabVulnerability {
  const v: GitLabVulnerability = {
    id: stableUuid(`${f.id}\u0000${f.pkgName}\u0000${f.installedVersion ?? ""}\u0000${f.target}\u0000${image}`),
    name: cut(f.title || f.id, MAX_NAME),
    description: cut(f.description || f.title || f.id, MAX_DESCRIPTION),
    severity: GITLAB_SEVERITY[f.severity],
    identifiers,
    links: [...new Set(f.references)].filter(isLinkUrl).map((url) => ({ url })),
    location: {
      dependency: { package: { name: f.pkgName }, version: f.installedVersion || "unknown" },
      operating_system: os,
      image,
    },
  };
  if (f.fixedVersion) v.solution = cut(`Upgrade ${f.pkgName} to ${f.fixedVersion}`, MAX_SOLUTION);
  return v;
}

const GITLAB_SEVERITY: Record<Severity, GitLabVulnerability["severity"]> = {
  UNKNOWN: "Unknown",
  LOW: "Low",
  MEDIUM: "Medium",
  HIGH: "High",
  CRITICAL: "Critical",
};

function primaryIdentifier(f: Finding): GitLabIdentifier {
  const id = f.id;
  const type = /^CVE-/i.test(id) ? "cve" : /^GHSA-/i.test(id) ? "ghsa" : (/^([A-Za-z]+)-/.exec(id)?.[1]?.toLowerCase() ?? "trivy");
  const url = isLinkUrl(f.primaryUrl)
    ? f.primaryUrl
    : type === "cve"
      ? `https://nvd.nist.gov/vuln/detail/${encodeURIComponent(id)}`
      : type === "ghsa"
        ? `https://github.com/advisories/${encodeURIComponent(id)}`
        : undefined;
  return { type, name: id, value: id, ...(url ? { url } : {}) };
}

function cweIdentifiers(f: Finding): GitLabIdentifier[] {
  return f.cweIds.flatMap((cwe) => {
    const number = /^CWE-(\d+)$/i.exec(cwe)?.[1];
    return number
      ? [{ type: "cwe", name: `CWE-${number}`, value: number, url: `https://cwe.mitre.org/data/definitions/${number}.html` }]
      : [];
  });
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

/** A UUID-shaped (version 5 layout) ID derived from the text. */
function stableUuid(text: string): string {
  const h = stableHash128(text);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
