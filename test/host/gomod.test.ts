// parseGoMod against the go command's own go.mod reader (`go mod edit -json`, real go).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { FileError } from "../../core/errors.js";
import { parseGoMod } from "../../core/go/gomod.js";
import { runArgv } from "../support/run.js";

const dir = mkdtempSync(join(tmpdir(), "gantry-gomod-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface GoModJson {
  Module?: { Path: string };
  Go?: string;
  Toolchain?: string;
}

async function goReads(text: string): Promise<{ json?: GoModJson; errorLine?: number; stderr: string }> {
  writeFileSync(join(dir, "go.mod"), text);
  const ran = await runArgv(["go", "mod", "edit", "-json"], { cwd: dir, env: { GOTOOLCHAIN: "local", GOFLAGS: "" } });
  if (ran.status === 0) return { json: JSON.parse(ran.stdout) as GoModJson, stderr: ran.stderr };
  const line = /go\.mod:(\d+)/.exec(ran.stderr)?.[1];
  return { errorLine: line === undefined ? undefined : Number(line), stderr: ran.stderr };
}

function oursReads(text: string): { module?: string; go?: string; toolchain?: string; errorLine?: number } {
  try {
    return parseGoMod(text);
  } catch (error) {
    if (!(error instanceof FileError)) throw error;
    return { errorLine: error.line };
  }
}

const CASES: [string, string][] = [
  ["plain", "module example.com/api\n\ngo 1.22\n"],
  ["comments everywhere", "// header\nmodule example.com/api // trailing\n\ngo 1.22.3 // minimum\n// footer\n"],
  ["module in block form", "module (\n\texample.com/api // the service\n)\n\ngo 1.22\n"],
  ["quoted module path", 'module "example.com/api"\ngo 1.22\n'],
  ["toolchain line", "module m\ngo 1.22\ntoolchain go1.22.4\n"],
  ["a toolchain block", "module m\ngo 1.22\ntoolchain (\n\tgo1.22.4\n)\n"],
  ["a go block", "module m\ngo (\n\t1.22\n)\n"],
  ["an empty require block", "module m\nrequire ( )\ngo 1.22\n"],
  ["a block with two words before (", "module m\nrequire x (\n)\n"],
  ["require block with a quoted path", 'module m\ngo 1.22\nrequire (\n\t"example.com/a b" v1.0.0\n\texample.com/c v1.2.0 // indirect\n)\n'],
  ["no go line", "module example.com/old\n"],
  ["back-quoted module path", "// c\nmodule `example.com/api`\ngo 1.22\n"],
  ["go 1.22 extra", "module m\ngo 1.22 extra\n"],
  ["two module lines", "module example.com/a\ngo 1.22\nmodule example.com/b\n"],
  ["two go lines", "module m\ngo 1.22\ngo 1.23\n"],
  ["module ( path ) on one line", "module ( example.com/api )\n"],
  ["module with two words", "module example.com/a extra\n"],
  ["a /* */ comment", "module m\n/* c */\ngo 1.22\n"],
  ["an unterminated string", 'module m\nrequire "example.com/a\n'],
  ["text after a closing paren", "module m\nrequire (\n\tx v1.0.0\n) x\n"],
  ["a bad go version", "module m\n\ngo one.two\n"],
  ["a bad toolchain", "module m\ngo 1.22\ntoolchain 1.22.1\n"],
];

describe("parseGoMod reads go.mod as the go command does (real go)", () => {
  it.each(CASES)("%s", async (_, text) => {
    const go = await goReads(text);
    const ours = oursReads(text);
    if (go.json) {
      expect(ours.errorLine).toBeUndefined();
      expect(ours.module).toBe(go.json.Module?.Path);
      expect(ours.go).toBe(go.json.Go ?? "1.16");
      expect(ours.toolchain).toBe(go.json.Toolchain?.replace(/^go/, ""));
    } else {
      expect(go.errorLine, go.stderr).toBeDefined();
      expect(ours.errorLine).toBe(go.errorLine);
    }
  });
});
