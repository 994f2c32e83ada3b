// Runs named checks one after the other and reports every failure, not just the first.

export type NamedCheck = [name: string, run: () => Promise<string>];

/** Each check's line when all pass; otherwise fails listing every failed check with its reason. */
export async function runChecks(checks: NamedCheck[]): Promise<string> {
  const passed: string[] = [];
  const failed: string[] = [];
  for (const [name, run] of checks) {
    try {
      passed.push(await run());
    } catch (e) {
      failed.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (failed.length > 0) {
    throw new Error(
      `${failed.length} of ${checks.length} checks failed: ${failed.map((f) => f.split(":")[0]).join(", ")}\n${failed.join("\n")}${passed.length ? `\npassed:\n${passed.join("\n")}` : ""}`,
    );
  }
  return passed.join("\n");
}
