// The formatter and the linter, run by the test command so that CI enforces them: `npm run format`
// fixes what they report.
import { execFile } from "node:child_process";
import { promisify } from "node:util";

import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const bin = (name: string) => `node_modules/.bin/${name}`;

async function status(argv: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(argv[0]!, argv.slice(1), { maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, output: stdout + stderr };
  } catch (e) {
    const failed = e as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, output: `${failed.stdout ?? ""}${failed.stderr ?? ""}` };
  }
}

describe("the code's style", () => {
  it("is what prettier writes (npm run format fixes it)", async () => {
    const checked = await status([bin("prettier"), "--check", "."]);
    expect(checked.code, `files prettier would change:\n${checked.output}`).toBe(0);
  }, 300_000);

  it("passes ESLint's and typescript-eslint's recommended rules, with the exceptions eslint.config.js explains", async () => {
    const linted = await status([bin("eslint"), "--max-warnings", "0", "."]);
    expect(linted.code, linted.output).toBe(0);
  }, 300_000);
});
