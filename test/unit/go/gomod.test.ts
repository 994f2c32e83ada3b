import { describe, expect, it } from "vitest";

import { ArgumentError, FileError } from "../../../core/errors.js";
import { defaultGoImage, parseGoMod, resolveGoVersion } from "../../../core/go/gomod.js";

describe("parseGoMod", () => {
  it("reads the module path, go line and toolchain line", () => {
    const mod = parseGoMod(
      `// comment\nmodule github.com/acme/api // trailing\n\ngo 1.25.2\n\ntoolchain go1.26.8\n\nrequire (\n\tgolang.org/x/sync v0.10.0\n)\n`,
    );
    expect(mod).toEqual({ module: "github.com/acme/api", go: "1.25.2", toolchain: "1.26.8" });
  });

  it("treats a missing go line as Go 1.16, as the go command does", () => {
    expect(parseGoMod("module example.com/old\n").go).toBe("1.16");
  });

  it("ignores `toolchain default`", () => {
    expect(parseGoMod("module m\ngo 1.26\ntoolchain default\n").toolchain).toBeUndefined();
  });

  it("names the file, line and field of a bad go line", () => {
    const err = (() => {
      try {
        parseGoMod("module m\n\ngo one.two\n", "svc/go.mod");
      } catch (e) {
        return e as FileError;
      }
    })();
    expect(err).toBeInstanceOf(FileError);
    expect(err?.message).toBe('svc/go.mod:3: go: "one.two" is not a Go version (expected e.g. 1.26 or 1.26.3)');
  });

  it("rejects a bad toolchain line with its line number", () => {
    expect(() => parseGoMod("module m\ngo 1.26\ntoolchain 1.26.1\n")).toThrow('go.mod:3: toolchain: "1.26.1" is not a toolchain name');
  });

  it("says when there is no module line", () => {
    expect(() => parseGoMod("go 1.26\n")).toThrow("go.mod: module: no module line");
  });
});

describe("resolveGoVersion", () => {
  const mod = (go: string, toolchain?: string) => ({ module: "m", go, toolchain });

  it("uses the newest patch of the go line's minor, since the go line is a minimum", () => {
    expect(resolveGoVersion(mod("1.26.0"))).toBe("1.26");
    expect(resolveGoVersion(mod("1.24"))).toBe("1.24");
  });

  it("keeps a pre-release go line as written", () => {
    expect(resolveGoVersion(mod("1.27rc1"))).toBe("1.27rc1");
  });

  it("pins the toolchain line when it is at least the go line", () => {
    expect(resolveGoVersion(mod("1.25.0", "1.26.8"))).toBe("1.26.8");
    expect(resolveGoVersion(mod("1.26.3", "1.26.1"))).toBe("1.26");
  });

  it("lets an explicit override win, and validates it", () => {
    expect(resolveGoVersion(mod("1.24", "1.25.1"), "1.26.2")).toBe("1.26.2");
    expect(() => resolveGoVersion(mod("1.24"), "latest")).toThrow(ArgumentError);
    expect(() => resolveGoVersion(mod("1.24"), "go1.26")).toThrow('--go-version: "go1.26" is not a Go version');
  });

  it("maps a version to the official image", () => {
    expect(defaultGoImage("1.26")).toBe("golang:1.26");
  });
});

describe("parseGoMod follows go.mod's grammar (golang.org/x/mod/modfile)", () => {
  it("reads a module path in block form", () => {
    expect(parseGoMod("module (\n\texample.com/api // the service\n)\n\ngo 1.22\n").module).toBe("example.com/api");
  });

  it("unquotes a double-quoted module path", () => {
    expect(parseGoMod('module "example.com/api" // quoted\ngo 1.22\n').module).toBe("example.com/api");
  });

  it("refuses a back-quoted module path, as the go command does, naming the line", () => {
    expect(() => parseGoMod("// c\nmodule `example.com/api`\ngo 1.22\n")).toThrow(/^go\.mod:2: module: invalid quoted string/);
  });

  it("skips comments: whole-line, trailing, and inside blocks", () => {
    const mod = parseGoMod(
      "// module example.com/wrong\nmodule example.com/api// trailing\n\ngo 1.22 // the minimum\nrequire (\n\t// module x\n\texample.com/dep v1.0.0\n)\n",
    );
    expect(mod).toEqual({ module: "example.com/api", go: "1.22", toolchain: undefined });
  });

  it("keeps a quoted string with spaces or parentheses as one token", () => {
    expect(() => parseGoMod('module m\nrequire (\n\t"example.com/a (b)" v1.0.0\n)\ngo 1.22\n')).not.toThrow();
  });

  it("refuses go and toolchain blocks, which the go command does not know", () => {
    expect(() => parseGoMod("module m\ngo (\n\t1.22\n)\n")).toThrow("go.mod:2: unknown block type: go");
    expect(() => parseGoMod("module m\ngo 1.22\ntoolchain ( )\n")).toThrow("go.mod:3: unknown block type: toolchain");
    expect(() => parseGoMod("module m\nrequire x (\n)\n")).toThrow("go.mod:2: unknown block type: require x");
  });

  it("accepts an empty block", () => {
    expect(parseGoMod("module m\nrequire ( )\ngo 1.22\n")).toEqual({ module: "m", go: "1.22", toolchain: undefined });
  });

  it.each<[string, string, string]>([
    ["go 1.22 extra", "module m\ngo 1.22 extra\n", "go.mod:2: go: go directive expects exactly one argument"],
    ["two module lines", "module example.com/a\ngo 1.22\nmodule example.com/b\n", "go.mod:3: module: repeated module statement"],
    ["a module block with two paths", "module (\n\texample.com/a\n\texample.com/b\n)\n", "go.mod:3: module: repeated module statement"],
    ["two go lines", "module m\ngo 1.22\ngo 1.23\n", "go.mod:3: go: repeated go statement"],
    ["module with two words", "module example.com/a extra\n", "go.mod:1: module: usage: module module/path"],
    ["module ( path ) on one line", "module ( example.com/api )\n", "go.mod:1: module: usage: module module/path"],
    ["an unterminated block", "module m\nrequire (\n\texample.com/x v1.0.0\n", "go.mod:2: syntax error (unterminated block started at line 2)"],
    ["a /* */ comment", "/* c */\nmodule m\n", "go.mod:1: mod files must use // comments (not /* */ comments)"],
    ["an unterminated string", 'module "example.com/a\n', "go.mod:1: unexpected newline in string"],
    ["text after a closing paren", "require (\n\tx v1.0.0\n) x\nmodule m\n", "go.mod:3: syntax error (expected newline after closing paren)"],
  ])("%s is an error naming the line", (_, text, message) => {
    const run = () => parseGoMod(text);
    expect(run).toThrow(FileError);
    expect(run).toThrow(message);
  });
});
