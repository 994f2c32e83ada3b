import { gzipSync } from "node:zlib";
import { compareFindings } from "./gate.js";
import { publishedImageReference } from "./image-ref.js";
import { countSeverities, type Severity, severityRank } from "./severity.js";
import { stableHash128 } from "./stable-hash.js";
import { findingsOf, type Finding, type TrivyReport } from "./trivy-report.js";

export const SARIF_VERSION = "2.1.0";
export const SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json";

/** What GitHub code scanning accepts in one upload (docs: "SARIF support for code scanning"). */
export interface SarifLimits {
  /** Runs per file (GitHub: 20). Gantry writes one run per scan. */
  maxRuns: number;
  /** Results per run (GitHub: 25,000). */
  maxResultsPerRun: number;
  /** The gzip-compressed file (GitHub: 10 MB). */
  maxGzipBytes: number;
}

export const GITHUB_SARIF_LIMITS: SarifLimits = { maxRuns: 20, maxResultsPerRun: 25_000, maxGzipBytes: 10 * 1024 * 1024 };

export interface SarifOptions {
  /** The image's published name; OS-package results of an image scan are located at its repository
   * path (e.g. "acme/api"), which stays the same from build to build, unlike a tarball path or tag. */
  imageName?: string;
  /** GitHub's analysis category, so scans of several images in one repository don't replace each other. */
  category?: string;
  limits?: Partial<SarifLimits>;
}

export interface SarifConversion {
  /** The SARIF log as JSON text. */
  json: string;
  log: SarifLog;
  /** Results written. */
  results: number;
  /** Results left out to stay within the limits, lowest severities first (also in the run's properties). */
  truncated: number;
}

// The subset of SARIF 2.1.0 Gantry writes.
export interface SarifLog {
  $schema: string;
  version: typeof SARIF_VERSION;
  runs: SarifRun[];
}
export interface SarifRun {
  tool: { driver: { name: string; fullName: string; version?: string; informationUri: string; rules: SarifRule[] } };
  automationDetails?: { id: string };
  invocations: { executionSuccessful: boolean; toolExecutionNotifications?: { level: "warning"; message: { text: string } }[] }[];
  results: SarifResult[];
  columnKind: "utf16CodeUnits";
  properties: Record<string, unknown>;
}
export interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  helpUri?: string;
  help: { text: string; markdown: string };
  defaultConfiguration: { level: SarifLevel };
  properties: { "security-severity": string; tags: string[]; precision: "very-high" };
}
export interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: SarifLevel;
  message: { text: string };
  locations: {
    physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number; endLine: number; endColumn: number } };
    message: { text: string };
  }[];
  partialFingerprints: Record<string, string>;
}
export type SarifLevel = "error" | "warning" | "note";

/**
 * Converts a Trivy report to one SARIF run for GitHub code scanning: a rule per vulnerability ID
 * (help text, `security-severity` for GitHub's severity label) and a result per finding. When the
 * findings exceed GitHub's limits, the lowest severities are dropped first; the number dropped is
 * returned as `truncated` and written into the run's properties and as a tool notification.
 */
export function toSarif(report: TrivyReport, options: SarifOptions = {}): SarifConversion {
  const limits = { ...GITHUB_SARIF_LIMITS, ...options.limits };
  const findings = findingsOf(report).sort(compareFindings);
  const locate = locationResolver(report, options.imageName);
  let keep = Math.min(findings.length, limits.maxResultsPerRun);
  for (;;) {
    const log = buildLog(report, findings, keep, locate, options, limits);
    const json = JSON.stringify(log);
    const size = compressedSizeAbove(json, limits.maxGzipBytes);
    if (size === undefined || keep === 0) return { json, log, results: keep, truncated: findings.length - keep };
    keep = Math.min(keep - 1, Math.floor(keep * (limits.maxGzipBytes / size) * 0.95));
  }
}

/** The gzip size when it might exceed the limit; undefined when the raw text is clearly small enough. */
function compressedSizeAbove(json: string, maxGzipBytes: number): number | undefined {
  // gzip adds at most ~0.1% plus a header to incompressible text, so smaller text always fits.
  if (Buffer.byteLength(json) < maxGzipBytes * 0.99) return undefined;
  const size = gzipSync(json).length;
  return size > maxGzipBytes ? size : undefined;
}

function buildLog(
  report: TrivyReport,
  findings: Finding[],
  keep: number,
  locate: (f: Finding) => string,
  options: SarifOptions,
  limits: SarifLimits,
): SarifLog {
  const kept = findings.slice(0, keep);
  const dropped = findings.slice(keep);
  const rules = new Map<string, { rule: SarifRule; index: number }>();
  const uris = new Map<string, string>();
  const results = kept.map((finding) => {
    const rule = ruleFor(finding, rules);
    const path = locate(finding);
    let uri = uris.get(path);
    if (uri === undefined) uris.set(path, (uri = toUri(path)));
    return {
      ruleId: finding.id,
      ruleIndex: rule.index,
      level: level(finding.severity),
      message: { text: resultMessage(finding) },
      locations: [
        {
          physicalLocation: { artifactLocation: { uri }, region: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 } },
          message: { text: `${path}: ${finding.pkgName}@${finding.installedVersion ?? "unknown"}` },
        },
      ],
      partialFingerprints: { "gantryFinding/v1": fingerprint(finding, uri) },
    };
  });
  const droppedBySeverity = Object.fromEntries(
    Object.entries(countSeverities(dropped)).filter(([, n]) => n > 0),
  ) as Partial<Record<Severity, number>>;
  const truncation =
    dropped.length > 0
      ? `${dropped.length} of ${findings.length} results were left out, lowest severities first, to stay within GitHub's limits ` +
        `(${limits.maxResultsPerRun} results per run, ${limits.maxGzipBytes} bytes gzipped): ${JSON.stringify(droppedBySeverity)}. ` +
        `The Trivy JSON report has every finding.`
      : undefined;
  const run: SarifRun = {
    tool: {
      driver: {
        name: "Trivy",
        fullName: "Trivy Vulnerability Scanner",
        version: report.trivyVersion,
        informationUri: "https://github.com/aquasecurity/trivy",
        rules: [...rules.values()].map((r) => r.rule),
      },
    },
    invocations: [
      {
        executionSuccessful: true,
        ...(truncation ? { toolExecutionNotifications: [{ level: "warning" as const, message: { text: truncation } }] } : {}),
      },
    ],
    results,
    columnKind: "utf16CodeUnits",
    properties: {
      artifactName: report.artifactName,
      artifactType: report.artifactType,
      imageName: options.imageName,
      imageID: report.imageId,
      repoTags: report.repoTags,
      repoDigests: report.repoDigests,
      "gantry.truncatedResults": dropped.length,
      "gantry.truncatedBySeverity": droppedBySeverity,
    },
  };
  if (options.category) run.automationDetails = { id: `${options.category.replace(/\/+$/, "")}/` };
  return { $schema: SARIF_SCHEMA_URI, version: SARIF_VERSION, runs: [run] };
}

function ruleFor(finding: Finding, rules: Map<string, { rule: SarifRule; index: number }>): { rule: SarifRule; index: number } {
  const existing = rules.get(finding.id);
  const score = securitySeverity(finding);
  if (existing) {
    // One ID can carry different severities (different vendors per target): the rule shows the highest.
    if (Number(score) > Number(existing.rule.properties["security-severity"])) {
      existing.rule.properties["security-severity"] = score;
      existing.rule.defaultConfiguration.level = level(finding.severity);
      existing.rule.properties.tags[2] = finding.severity;
    }
    return existing;
  }
  const url = httpUrl(finding.primaryUrl);
  const title = finding.title || finding.id;
  const rule: SarifRule = {
    id: finding.id,
    name: finding.targetClass === "os-pkgs" ? "OsPackageVulnerability" : finding.targetClass === "lang-pkgs" ? "LanguageSpecificPackageVulnerability" : "Vulnerability",
    shortDescription: { text: title },
    fullDescription: { text: finding.description || title },
    ...(url ? { helpUri: url } : {}),
    help: {
      text: `Vulnerability ${finding.id}\nSeverity: ${finding.severity}\nPackage: ${finding.pkgName}\nFixed Version: ${finding.fixedVersion ?? "none"}\nLink: ${url ?? "none"}\n${finding.description ?? ""}`.trimEnd(),
      markdown:
        `**Vulnerability ${finding.id}**\n\n| Severity | Package | Fixed Version | Link |\n| --- | --- | --- | --- |\n` +
        `| ${finding.severity} | ${md(finding.pkgName)} | ${md(finding.fixedVersion ?? "none")} | ${url ? `[${finding.id}](${url})` : "none"} |\n\n${md(finding.description ?? "")}`.trimEnd(),
    },
    defaultConfiguration: { level: level(finding.severity) },
    properties: { "security-severity": score, tags: ["vulnerability", "security", finding.severity], precision: "very-high" },
  };
  const entry = { rule, index: rules.size };
  rules.set(finding.id, entry);
  return entry;
}

/** GitHub's label follows this number (≥9 critical, ≥7 high, ≥4 medium, >0 low). */
function securitySeverity(finding: Finding): string {
  if (finding.cvssScore !== undefined) return finding.cvssScore.toFixed(1);
  return SEVERITY_SCORES[finding.severity];
}

const SEVERITY_SCORES: Record<Severity, string> = { CRITICAL: "9.5", HIGH: "8.0", MEDIUM: "5.5", LOW: "2.0", UNKNOWN: "0.0" };

function level(severity: Severity): SarifLevel {
  return severityRank(severity) >= severityRank("HIGH") ? "error" : severity === "MEDIUM" ? "warning" : "note";
}

function resultMessage(f: Finding): string {
  return [
    `Package: ${f.pkgName}`,
    `Installed Version: ${f.installedVersion ?? "unknown"}`,
    `Vulnerability ${f.id}`,
    `Severity: ${f.severity}`,
    `Fixed Version: ${f.fixedVersion ?? "none"}`,
    ...(f.primaryUrl ? [`Link: ${f.primaryUrl}`] : []),
  ].join("\n");
}

/**
 * Where a finding points. OS packages of an image: the image's repository path (no registry, tag or
 * tarball path, so it is stable across builds); of a directory: the directory. Language packages:
 * their path inside the scanned tree (PkgPath, else the Trivy target). Relative, not yet URI-encoded.
 */
function locationResolver(report: TrivyReport, imageName: string | undefined): (f: Finding) => string {
  const isImage = report.artifactType === "container_image" || imageName !== undefined;
  const imagePath = imageName ? publishedImageReference(imageName, "imageName").repository : imagePathOf(report.artifactName);
  return (f) => {
    const path = f.targetClass === "os-pkgs" ? (isImage ? imagePath : f.target.replace(/\s*\([^)]*\)\s*$/, "")) : f.pkgPath || f.target;
    return path.replace(/\\/g, "/").replace(/^(?:\.\/|\/)+/, "") || "scan-target";
  };
}

function imagePathOf(artifactName: string | undefined): string {
  try {
    return publishedImageReference(artifactName ?? "", "artifactName").repository;
  } catch {
    return "container-image";
  }
}

function toUri(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

function httpUrl(url: string | undefined): string | undefined {
  return url && /^https?:\/\/[^\s]+$/.test(url) ? url : undefined;
}

function fingerprint(f: Finding, uri: string): string {
  return stableHash128(`${f.id}\u0000${f.pkgName}\u0000${uri}`);
}

function md(text: string): string {
  return text.replace(/\|/g, "\\|");
}
