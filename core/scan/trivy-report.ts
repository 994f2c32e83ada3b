import { FileError } from "../errors.js";
import { parseJsonText } from "./json-document.js";
import { isSeverity, SEVERITIES, type Severity } from "./severity.js";

/** The only Trivy JSON schema Gantry reads (Trivy ≥ 0.20 writes it). */
export const TRIVY_REPORT_SCHEMA_VERSION = 2;

/** Trivy's vulnerability statuses (trivy-db pkg/types/status.go). Older Trivy omits the field. */
export const VULNERABILITY_STATUSES = [
  "unknown",
  "not_affected",
  "affected",
  "fixed",
  "under_investigation",
  "will_not_fix",
  "fix_deferred",
  "end_of_life",
] as const;
export type VulnerabilityStatus = (typeof VULNERABILITY_STATUSES)[number];

/** A parsed Trivy JSON report: only what Gantry's gate and reports use. */
export interface TrivyReport {
  /** The file name the report was read from, for messages. */
  file: string;
  trivyVersion?: string;
  createdAt?: string;
  artifactName?: string;
  /** container_image, filesystem, repository, … */
  artifactType?: string;
  os?: { family: string; name?: string; eosl: boolean };
  imageId?: string;
  repoTags: string[];
  repoDigests: string[];
  results: TrivyResult[];
}

export interface TrivyResult {
  /** e.g. "ghcr.io/acme/api:1.2 (alpine 3.22.1)" or "app/go.mod". */
  target: string;
  /** os-pkgs, lang-pkgs, … */
  class?: string;
  /** alpine, debian, gobinary, jar, … */
  type?: string;
  /** Each already carries its result's target, class and type. */
  vulnerabilities: Finding[];
}

export interface TrivyVulnerability {
  id: string;
  pkgName: string;
  pkgId?: string;
  pkgPath?: string;
  purl?: string;
  installedVersion?: string;
  fixedVersion?: string;
  status?: VulnerabilityStatus;
  /** Trivy's chosen severity; a missing one is UNKNOWN, as Trivy itself treats it. */
  severity: Severity;
  severitySource?: string;
  title?: string;
  description?: string;
  primaryUrl?: string;
  references: string[];
  cweIds: string[];
  /** The CVSS v3 base score from the source Trivy took the severity from, when it has one. */
  cvssScore?: number;
  publishedDate?: string;
}

/** One vulnerability in one result, flattened for the gate and the converters. */
export interface Finding extends TrivyVulnerability {
  target: string;
  targetClass?: string;
  targetType?: string;
}

/**
 * Parses Trivy JSON (SchemaVersion 2). Every field is optional as Trivy writes them with omitempty;
 * malformed or truncated JSON, another SchemaVersion or a field of the wrong type throws a FileError
 * naming `file` (and the field, or the line and column of a syntax error). Never returns a partial report.
 */
export function parseTrivyReport(text: string, file: string): TrivyReport {
  const root = new Reader(file).object(parseJsonText(text, file), "");
  const r = new Reader(file);
  const version = r.optNumber(root, "SchemaVersion", "");
  if (version !== TRIVY_REPORT_SCHEMA_VERSION) {
    const got = version === undefined ? "no SchemaVersion" : `SchemaVersion ${version}`;
    throw new FileError(file, `${got}; Gantry reads Trivy JSON with SchemaVersion 2 (trivy --format json)`, undefined, "SchemaVersion");
  }
  const trivy = r.optObject(root, "Trivy", "");
  const metadata = r.optObject(root, "Metadata", "") ?? {};
  const os = r.optObject(metadata, "OS", "Metadata");
  return {
    file,
    trivyVersion: trivy && r.optString(trivy, "Version", "Trivy"),
    createdAt: r.optString(root, "CreatedAt", ""),
    artifactName: r.optString(root, "ArtifactName", ""),
    artifactType: r.optString(root, "ArtifactType", ""),
    os: os && {
      family: r.optString(os, "Family", "Metadata.OS") ?? "unknown",
      name: r.optString(os, "Name", "Metadata.OS"),
      eosl: r.optBoolean(os, "EOSL", "Metadata.OS") ?? false,
    },
    imageId: r.optString(metadata, "ImageID", "Metadata"),
    repoTags: r.optStrings(metadata, "RepoTags", "Metadata"),
    repoDigests: r.optStrings(metadata, "RepoDigests", "Metadata"),
    results: r.optArray(root, "Results", "").map((item, i) => parseResult(r, item, `Results[${i}]`)),
  };
}

/** Every vulnerability of every result, in report order, as a new array. */
export function findingsOf(report: TrivyReport): Finding[] {
  return ([] as Finding[]).concat(...report.results.map((r) => r.vulnerabilities));
}

function parseResult(r: Reader, value: unknown, path: string): TrivyResult {
  const result = r.object(value, path);
  const target = r.optString(result, "Target", path) ?? "";
  const targetClass = r.optString(result, "Class", path);
  const targetType = r.optString(result, "Type", path);
  const where = { target, targetClass, targetType };
  return {
    target,
    class: targetClass,
    type: targetType,
    vulnerabilities: r.optArray(result, "Vulnerabilities", path).map((item, i) => parseVulnerability(r, item, `${path}.Vulnerabilities[${i}]`, where)),
  };
}

/** Builds every finding with the same property order, so the engine keeps them in one fast shape. */
function parseVulnerability(r: Reader, value: unknown, path: string, where: Pick<Finding, "target" | "targetClass" | "targetType">): Finding {
  const v = r.object(value, path);
  const identifier = r.optObject(v, "PkgIdentifier", path);
  return {
    id: r.requiredString(v, "VulnerabilityID", path),
    pkgName: r.requiredString(v, "PkgName", path),
    pkgId: r.optString(v, "PkgID", path),
    pkgPath: r.optString(v, "PkgPath", path),
    purl: identifier && r.optString(identifier, "PURL", `${path}.PkgIdentifier`),
    installedVersion: r.optString(v, "InstalledVersion", path),
    fixedVersion: r.optString(v, "FixedVersion", path) || undefined,
    status: parseStatus(r, v, path),
    severity: parseSeverityField(r, v, path),
    severitySource: r.optString(v, "SeveritySource", path),
    title: r.optString(v, "Title", path),
    description: r.optString(v, "Description", path),
    primaryUrl: r.optString(v, "PrimaryURL", path),
    references: r.optStrings(v, "References", path),
    cweIds: r.optStrings(v, "CweIDs", path),
    cvssScore: parseCvssScore(r, v, path),
    publishedDate: r.optString(v, "PublishedDate", path),
    target: where.target,
    targetClass: where.targetClass,
    targetType: where.targetType,
  };
}

function parseStatus(r: Reader, v: Record<string, unknown>, path: string): VulnerabilityStatus | undefined {
  const status = r.optString(v, "Status", path);
  if (status === undefined || status === "") return undefined;
  if (!(VULNERABILITY_STATUSES as readonly string[]).includes(status)) {
    throw r.fieldError(path, "Status", `unknown status "${status}"; expected one of ${VULNERABILITY_STATUSES.join(", ")}`);
  }
  return status as VulnerabilityStatus;
}

function parseSeverityField(r: Reader, v: Record<string, unknown>, path: string): Severity {
  const severity = r.optString(v, "Severity", path);
  if (severity === undefined || severity === "") return "UNKNOWN";
  if (!isSeverity(severity)) {
    throw r.fieldError(path, "Severity", `unknown severity "${severity}"; expected one of ${SEVERITIES.join(", ")}`);
  }
  return severity;
}

/** Only the severity source's score, so a score never contradicts the severity it sits beside. */
function parseCvssScore(r: Reader, v: Record<string, unknown>, path: string): number | undefined {
  const cvss = r.optObject(v, "CVSS", path);
  if (!cvss) return undefined;
  let score: number | undefined;
  const source = r.optString(v, "SeveritySource", path);
  for (const vendor of Object.keys(cvss)) {
    const entry = r.object(cvss[vendor], `${path}.CVSS.${vendor}`);
    const v3 = r.optNumber(entry, "V3Score", `${path}.CVSS.${vendor}`);
    if (vendor === source && v3 !== undefined && v3 > 0) score = v3;
  }
  return score;
}

/** Typed field access that names the file and the JSON path of a field with the wrong type. */
class Reader {
  constructor(private readonly file: string) {}

  fieldError(path: string, key: string, problem: string): FileError {
    return new FileError(this.file, problem, undefined, join(path, key));
  }

  object(value: unknown, path: string): Record<string, unknown> {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw new FileError(this.file, `expected an object, got ${typeName(value)}`, undefined, path || "(top level)");
    }
    return value as Record<string, unknown>;
  }

  optObject(o: Record<string, unknown>, key: string, path: string): Record<string, unknown> | undefined {
    const value = own(o, key);
    return value === undefined || value === null ? undefined : this.object(value, join(path, key));
  }

  optArray(o: Record<string, unknown>, key: string, path: string): unknown[] {
    const value = own(o, key);
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) throw this.fieldError(path, key, `expected an array, got ${typeName(value)}`);
    return value;
  }

  optString(o: Record<string, unknown>, key: string, path: string): string | undefined {
    const value = own(o, key);
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "string") throw this.fieldError(path, key, `expected a string, got ${typeName(value)}`);
    return value;
  }

  requiredString(o: Record<string, unknown>, key: string, path: string): string {
    const value = this.optString(o, key, path);
    if (value === undefined || value === "") throw this.fieldError(path, key, "missing; every vulnerability needs one");
    return value;
  }

  optNumber(o: Record<string, unknown>, key: string, path: string): number | undefined {
    const value = own(o, key);
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "number") throw this.fieldError(path, key, `expected a number, got ${typeName(value)}`);
    return value;
  }

  optBoolean(o: Record<string, unknown>, key: string, path: string): boolean | undefined {
    const value = own(o, key);
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "boolean") throw this.fieldError(path, key, `expected true or false, got ${typeName(value)}`);
    return value;
  }

  optStrings(o: Record<string, unknown>, key: string, path: string): string[] {
    return this.optArray(o, key, path).map((item, i) => {
      if (typeof item !== "string") throw this.fieldError(path, `${key}[${i}]`, `expected a string, got ${typeName(item)}`);
      return item;
    });
  }
}

/** A member of parsed JSON, never one inherited from Object.prototype. */
function own(o: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

function join(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return `${typeof value} ${JSON.stringify(value)?.slice(0, 40)}`;
}
