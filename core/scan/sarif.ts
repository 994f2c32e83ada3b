import { gzipSync } from "node:zlib";
import { trimTrailing } from "../text.js";
import { sortFindings } from "./gate.js";
import { publishedImageReference } from "./image-ref.js";
import { JsonArrayWriter, jsonObject, jsonString, jsonText, optionalJson } from "./json-text.js";
import { memoized } from "./memo.js";
import { countSeverities, type Severity } from "./severity.js";
import { stableHash128OfFields } from "./stable-hash.js";
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
  /** The SARIF log as JSON text: what gets uploaded. */
  json: string;
  /** The same log as objects, parsed from `json` when first read (uploads need only the text). */
  readonly log: SarifLog;
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
  const findings = sortFindings(findingsOf(report));
  const locate = locationResolver(report, options.imageName);
  let keep = Math.min(findings.length, limits.maxResultsPerRun);
  for (;;) {
    const json = sarifJson(report, findings, keep, locate, options, limits);
    const size = compressedSizeAbove(json, limits.maxGzipBytes);
    if (size === undefined || keep === 0) return conversion(json, keep, findings.length - keep);
    keep = Math.min(keep - 1, Math.floor(keep * (limits.maxGzipBytes / size) * 0.95));
  }
}

function conversion(json: string, results: number, truncated: number): SarifConversion {
  let log: SarifLog | undefined;
  return {
    json,
    results,
    truncated,
    get log() {
      return (log ??= JSON.parse(json) as SarifLog);
    },
  };
}

/** The gzip size when it might exceed the limit; undefined when the raw text is clearly small enough. */
function compressedSizeAbove(json: string, maxGzipBytes: number): number | undefined {
  // gzip adds at most ~0.1% plus a header to incompressible text, so smaller text always fits.
  if (Buffer.byteLength(json) < maxGzipBytes * 0.99) return undefined;
  const size = gzipSync(json).length;
  return size > maxGzipBytes ? size : undefined;
}

function sarifJson(
  report: TrivyReport,
  findings: Finding[],
  keep: number,
  locate: (f: Finding) => SarifLocation,
  options: SarifOptions,
  limits: SarifLimits,
): string {
  const rules = new RuleSet();
  const results = new JsonArrayWriter();
  for (let i = 0; i < keep; i++) {
    const finding = findings[i]!;
    results.add(resultJson(finding, rules.ruleFor(finding), locate(finding)));
  }
  const dropped = findings.slice(keep);
  const droppedBySeverity = Object.fromEntries(Object.entries(countSeverities(dropped)).filter(([, n]) => n > 0)) as Partial<Record<Severity, number>>;
  const truncation =
    dropped.length > 0
      ? `${dropped.length} of ${findings.length} results were left out, lowest severities first, to stay within GitHub's limits ` +
        `(${limits.maxResultsPerRun} results per run, ${limits.maxGzipBytes} bytes gzipped): ${JSON.stringify(droppedBySeverity)}. ` +
        `The Trivy JSON report has every finding.`
      : undefined;
  const driver = jsonObject({
    name: '"Trivy"',
    fullName: '"Trivy Vulnerability Scanner"',
    version: optionalJson(report.trivyVersion),
    informationUri: '"https://github.com/aquasecurity/trivy"',
    rules: rules.json(),
  });
  const run = jsonObject({
    tool: `{"driver":${driver}}`,
    invocations: JSON.stringify([
      {
        executionSuccessful: true,
        ...(truncation ? { toolExecutionNotifications: [{ level: "warning", message: { text: truncation } }] } : {}),
      },
    ]),
    results: results.json(),
    columnKind: '"utf16CodeUnits"',
    properties: JSON.stringify({
      artifactName: report.artifactName,
      artifactType: report.artifactType,
      imageName: options.imageName,
      imageID: report.imageId,
      repoTags: report.repoTags,
      repoDigests: report.repoDigests,
      "gantry.truncatedResults": dropped.length,
      "gantry.truncatedBySeverity": droppedBySeverity,
    }),
    automationDetails: options.category ? JSON.stringify({ id: `${trimTrailing(options.category, "/")}/` }) : undefined,
  });
  return jsonObject({ $schema: jsonString(SARIF_SCHEMA_URI), version: jsonString(SARIF_VERSION), runs: `[${run}]` });
}

/** The run's rules, one per vulnerability ID in the order results first use them. */
class RuleSet {
  private readonly rules = new Map<string, RuleDraft>();
  /** A few dozen distinct scores recur across thousands of findings. */
  private readonly cvssSeverity = memoized((score: number): SecuritySeverity => {
    const text = score.toFixed(1);
    return { text, value: Number(text) };
  });

  ruleFor(finding: Finding): RuleDraft {
    const score = finding.cvssScore !== undefined ? this.cvssSeverity(finding.cvssScore) : SEVERITY_SCORES[finding.severity];
    const existing = this.rules.get(finding.id);
    if (existing) {
      if (score.value > existing.score.value) {
        existing.score = score;
        existing.level = LEVELS[finding.severity];
        existing.severity = finding.severity;
      }
      return existing;
    }
    const rule = { index: this.rules.size, finding, idText: jsonText(finding.id), score, level: LEVELS[finding.severity], severity: finding.severity };
    this.rules.set(finding.id, rule);
    return rule;
  }

  json(): string {
    const rules = new JsonArrayWriter();
    for (const rule of this.rules.values()) rules.add(ruleJson(rule));
    return rules.json();
  }
}

/** A rule while results are written: one vulnerability ID can carry different severities (different
 * vendors per target), and its rule shows the highest. */
interface RuleDraft {
  index: number;
  /** The ID's first finding, which the rule's texts describe. */
  finding: Finding;
  /** The ID escaped for JSON text. */
  idText: string;
  score: SecuritySeverity;
  level: SarifLevel;
  severity: Severity;
}

function ruleJson({ finding, idText, score, level, severity }: RuleDraft): string {
  const url = httpUrl(finding.primaryUrl);
  const title = finding.title || finding.id;
  // The help texts end with the description; like the rest of them, without trailing whitespace.
  const description = (finding.description ?? "").trimEnd();
  const pkg = jsonText(finding.pkgName);
  const fixed = jsonText(finding.fixedVersion ?? "none");
  const urlText = url === undefined ? undefined : jsonText(url);
  // Written as JSON text: each `\\n` in these templates is the escape of a line break.
  const helpText =
    `Vulnerability ${idText}\\nSeverity: ${finding.severity}\\nPackage: ${pkg}\\nFixed Version: ${fixed}\\nLink: ${urlText ?? "none"}` +
    (description ? `\\n${jsonText(description)}` : "");
  const helpMarkdown =
    `**Vulnerability ${idText}**\\n\\n| Severity | Package | Fixed Version | Link |\\n| --- | --- | --- | --- |\\n` +
    `| ${finding.severity} | ${jsonText(md(finding.pkgName))} | ${jsonText(md(finding.fixedVersion ?? "none"))} ` +
    `| ${urlText ? `[${idText}](${urlText})` : "none"} |` +
    (description ? `\\n\\n${jsonText(md(description))}` : "");
  return (
    `{"id":"${idText}","name":"${ruleName(finding)}","shortDescription":{"text":"${jsonText(title)}"},` +
    `"fullDescription":{"text":"${jsonText(finding.description || title)}"},${urlText ? `"helpUri":"${urlText}",` : ""}` +
    `"help":{"text":"${helpText}","markdown":"${helpMarkdown}"},"defaultConfiguration":{"level":"${level}"},` +
    `"properties":{"security-severity":"${score.text}","tags":["vulnerability","security","${severity}"],"precision":"very-high"}}`
  );
}

function ruleName(finding: Finding): string {
  return finding.targetClass === "os-pkgs"
    ? "OsPackageVulnerability"
    : finding.targetClass === "lang-pkgs"
      ? "LanguageSpecificPackageVulnerability"
      : "Vulnerability";
}

/** Trivy reports no line or column: every result points at the start of its location. */
const REGION_JSON = `{"startLine":1,"startColumn":1,"endLine":1,"endColumn":1}`;

function resultJson(finding: Finding, rule: RuleDraft, location: SarifLocation): string {
  const pkg = jsonText(finding.pkgName);
  const installed = jsonText(finding.installedVersion ?? "unknown");
  const message =
    `Package: ${pkg}\\nInstalled Version: ${installed}\\nVulnerability ${rule.idText}\\nSeverity: ${finding.severity}` +
    `\\nFixed Version: ${jsonText(finding.fixedVersion ?? "none")}${finding.primaryUrl ? `\\nLink: ${jsonText(finding.primaryUrl)}` : ""}`;
  const fingerprint = stableHash128OfFields([finding.id, finding.pkgName, location.uri]);
  return (
    `{"ruleId":"${rule.idText}","ruleIndex":${rule.index},"level":"${LEVELS[finding.severity]}","message":{"text":"${message}"},` +
    `"locations":[{"physicalLocation":{"artifactLocation":{"uri":"${location.uriText}"},"region":${REGION_JSON}},` +
    `"message":{"text":"${location.pathText}: ${pkg}@${installed}"}}],"partialFingerprints":{"gantryFinding/v1":"${fingerprint}"}}`
  );
}

/**
 * GitHub's label follows this number (≥9 critical, ≥7 high, ≥4 medium, >0 low): the CVSS score of
 * the severity's source, else one per severity; written with one decimal, compared as written.
 */
interface SecuritySeverity {
  text: string;
  value: number;
}

const SEVERITY_SCORES: Record<Severity, SecuritySeverity> = {
  CRITICAL: { text: "9.5", value: 9.5 },
  HIGH: { text: "8.0", value: 8 },
  MEDIUM: { text: "5.5", value: 5.5 },
  LOW: { text: "2.0", value: 2 },
  UNKNOWN: { text: "0.0", value: 0 },
};

const LEVELS: Record<Severity, SarifLevel> = { CRITICAL: "error", HIGH: "error", MEDIUM: "warning", LOW: "note", UNKNOWN: "note" };

/** Where results point: a relative path and its URI. */
interface SarifLocation {
  uri: string;
  /** The path and the URI escaped for JSON text. */
  pathText: string;
  uriText: string;
}

/**
 * Where a finding points. OS packages of an image: the image's repository path (no registry, tag or
 * tarball path, so it is stable across builds); of a directory: the directory. Language packages:
 * their path inside the scanned tree (PkgPath, else the Trivy target).
 */
function locationResolver(report: TrivyReport, imageName: string | undefined): (f: Finding) => SarifLocation {
  const isImage = report.artifactType === "container_image" || imageName !== undefined;
  const imagePath = imageName ? publishedImageReference(imageName, "imageName").repository : imagePathOf(report.artifactName);
  const at = memoized((path: string): SarifLocation => {
    const relative = path.replace(/\\/g, "/").replace(/^(?:\.\/|\/)+/, "") || "scan-target";
    const uri = toUri(relative);
    return { uri, pathText: jsonText(relative), uriText: jsonText(uri) };
  });
  const ofOsTarget = memoized((target: string) => at(isImage ? imagePath : withoutTrailingParenthesis(target)));
  return (f) => (f.targetClass === "os-pkgs" ? ofOsTarget(f.target) : at(f.pkgPath || f.target));
}

function imagePathOf(artifactName: string | undefined): string {
  try {
    return publishedImageReference(artifactName ?? "", "artifactName").repository;
  } catch {
    return "container-image";
  }
}

/**
 * "rootfs (alpine 3.22.1)" without its last parenthesised part, as `/\s*\([^)]*\)\s*$/` would remove it,
 * by plain scanning: that regular expression backtracks quadratically on long runs of spaces or "(".
 */
function withoutTrailingParenthesis(target: string): string {
  const trimmed = target.trimEnd();
  if (!trimmed.endsWith(")")) return target;
  const previousClose = trimmed.lastIndexOf(")", trimmed.length - 2);
  const open = trimmed.indexOf("(", previousClose + 1);
  return open === -1 ? target : trimmed.slice(0, open).trimEnd();
}

function toUri(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

function httpUrl(url: string | undefined): string | undefined {
  return url && /^https?:\/\/[^\s]+$/.test(url) ? url : undefined;
}

function md(text: string): string {
  return text.replace(/\|/g, "\\|");
}
