import { ArgumentError } from "./errors.js";

/** Parses `key=value` arguments (labels, annotations) into a record; a later key wins. */
export function parseKeyValues(list: string[], argument: string): Record<string, string> {
  const record: Record<string, string> = {};
  for (const item of list) {
    const eq = item.indexOf("=");
    if (eq <= 0) throw new ArgumentError(argument, `"${item}" must look like key=value, e.g. org.opencontainers.image.licenses=Apache-2.0`);
    record[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return record;
}
