import { ArgumentError } from "./errors.js";

/**
 * Parses `key=value` arguments (labels, annotations) into a record; a later key wins. Collected in a
 * Map: assigning a user's `__proto__` key to an object literal would set its prototype and drop it.
 */
export function parseKeyValues(list: string[], argument: string): Record<string, string> {
  const pairs = new Map<string, string>();
  for (const item of list) {
    const eq = item.indexOf("=");
    if (eq <= 0) throw new ArgumentError(argument, `"${item}" must look like key=value, e.g. org.opencontainers.image.licenses=Apache-2.0`);
    pairs.set(item.slice(0, eq), item.slice(eq + 1));
  }
  return Object.fromEntries(pairs); // defines own properties, __proto__ included
}
