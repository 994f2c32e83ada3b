/** A JSON/YAML mapping (not null, not a list): what Kubernetes objects and API answers are made of. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
