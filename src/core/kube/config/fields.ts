import { FileError } from "../../errors.js";
import { parseDurationMs } from "../../duration.js";

/** A path into the pipeline file, e.g. ["environments", "staging", "strategy", "steps", 2, "setWeight"]. */
export type FieldPath = (string | number)[];

/** `environments.staging.strategy.steps[2].setWeight`, the way errors name a field. */
export function formatFieldPath(path: FieldPath): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}

/** Where the file is, and (when the loader knows it) the line of a field. */
export interface Source {
  file: string;
  lineOf?: (path: FieldPath) => number | undefined;
}

/**
 * Reads one mapping of the pipeline file, every error naming the field's full path. Unknown keys are
 * errors too (a typo such as `replica:` must not silently fall back to a default).
 */
export class Fields {
  private readonly record: Record<string, unknown>;

  constructor(
    readonly source: Source,
    readonly path: FieldPath,
    value: unknown,
    allowed: readonly string[],
  ) {
    if (!isRecord(value)) throw this.error(path, `must be a mapping, got ${describe(value)}`);
    this.record = value;
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) throw this.error([...path, key], `unknown field; expected one of ${allowed.join(", ")}`);
    }
  }

  error(path: FieldPath, problem: string): FileError {
    return new FileError(this.source.file, problem, this.source.lineOf?.(path), formatFieldPath(path));
  }

  at(key: string): FieldPath {
    return [...this.path, key];
  }

  has(key: string): boolean {
    return this.record[key] !== undefined && this.record[key] !== null;
  }

  raw(key: string): unknown {
    return this.record[key];
  }

  child(key: string, allowed: readonly string[]): Fields | undefined {
    return this.has(key) ? new Fields(this.source, this.at(key), this.record[key], allowed) : undefined;
  }

  string(key: string, fallback?: string, pattern?: { re: RegExp; expected: string }): string | undefined {
    const v = this.record[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== "string" || v === "") throw this.error(this.at(key), `must be a non-empty string, got ${describe(v)}`);
    if (pattern && !pattern.re.test(v)) throw this.error(this.at(key), `"${v}" is not ${pattern.expected}`);
    return v;
  }

  requiredString(key: string, pattern?: { re: RegExp; expected: string }): string {
    const v = this.string(key, undefined, pattern);
    if (v === undefined) throw this.error(this.at(key), "is required");
    return v;
  }

  integer(key: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const v = this.record[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
      throw this.error(this.at(key), `must be an integer from ${min} to ${max === Number.MAX_SAFE_INTEGER ? "∞" : max}, got ${describe(v)}`);
    }
    return v;
  }

  number(key: string, fallback: number, min: number, max: number): number {
    const v = this.record[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== "number" || !Number.isFinite(v) || v < min || v > max) throw this.error(this.at(key), `must be a number from ${min} to ${max}, got ${describe(v)}`);
    return v;
  }

  durationMs(key: string, fallback: number): number {
    const v = this.record[key];
    if (v === undefined || v === null) return fallback;
    const ms = typeof v === "string" ? parseDurationMs(v) : undefined;
    if (ms === undefined) throw this.error(this.at(key), `${describe(v)} is not a duration such as 30s, 5m or 1m30s`);
    return ms;
  }

  /** An integer, or a percentage string such as "25%" (Kubernetes' IntOrString). */
  intOrPercent(key: string, fallback: number | string): number | string {
    const v = this.record[key];
    if (v === undefined || v === null) return fallback;
    if ((typeof v === "number" && Number.isInteger(v) && v >= 0) || (typeof v === "string" && /^(?:100|[1-9]?[0-9])%$/.test(v))) return v;
    throw this.error(this.at(key), `must be a non-negative integer or a percentage such as "25%", got ${describe(v)}`);
  }

  stringMap(key: string, keyPattern: { re: RegExp; expected: string }): Record<string, string> {
    const v = this.record[key];
    if (v === undefined || v === null) return {};
    if (!isRecord(v)) throw this.error(this.at(key), `must be a mapping of names to values, got ${describe(v)}`);
    const out: Record<string, string> = {};
    for (const [k, value] of Object.entries(v)) {
      if (!keyPattern.re.test(k)) throw this.error([...this.at(key), k], `"${k}" is not ${keyPattern.expected}`);
      if (typeof value === "number" || typeof value === "boolean") out[k] = String(value);
      else if (typeof value === "string") out[k] = value;
      else throw this.error([...this.at(key), k], `must be a string, number or boolean, got ${describe(value)}`);
    }
    return out;
  }

  list(key: string): { path: FieldPath; value: unknown }[] {
    const v = this.record[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) throw this.error(this.at(key), `must be a list, got ${describe(v)}`);
    return v.map((value, i) => ({ path: [...this.at(key), i], value }));
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function describe(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return JSON.stringify(value);
}
