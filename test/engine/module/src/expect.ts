// Assertions that fail a check with what was expected and what was found.

/** Fails with the message unless the condition holds. */
export function expectThat(condition: boolean, message: string): void {
  if (!condition) throw new Error(message);
}

/** Fails unless the two values are equal, naming both. */
export function expectEqual<T>(actual: T, expected: T, what: string): void {
  expectThat(actual === expected, `${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

/** Parses JSON, failing with the file's name. */
export function parseJson(text: string, name: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`${name} is not JSON: ${(e as Error).message}`, { cause: e });
  }
}

/** A value unique to one run, so a build that takes it cannot be served from the cache. */
export function nonce(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}
