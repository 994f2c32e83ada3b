import { describe, expect, it } from "vitest";

import { requireGoFiles, requireGoMod, requireMainPackage } from "../../../core/go/main-package.js";

describe("source checks", () => {
  it("requires go.mod at the root", () => {
    expect(() => requireGoMod(["README.md", "src/"])).toThrow("--source: no go.mod at the root of the source directory (found: README.md, src/)");
    expect(() => requireGoMod(["go.mod", "main.go"])).not.toThrow();
  });

  it("requires non-test Go files in the main package", () => {
    expect(() => requireGoFiles("./cmd/api", ["cmd/api/main_test.go"])).toThrow("--pkg: no Go source files in ./cmd/api");
    expect(() => requireGoFiles(".", ["main.go"])).not.toThrow();
  });

  it("requires package main, ignoring comments before the clause", () => {
    expect(() => requireMainPackage(".", "main.go", "// Package x does things.\n/* package lib */\npackage main\n")).not.toThrow();
    expect(() => requireMainPackage("./internal/server", "internal/server/server.go", "package server\n")).toThrow(
      "--pkg: ./internal/server is package server, not a main package",
    );
  });
});

describe("requireMainPackage on long files (no regular expression backtracks over them)", () => {
  const long = 256 * 1024;

  it("finds the clause after 256 KiB of blank lines", () => {
    expect(() => requireMainPackage(".", "main.go", `${"\n".repeat(long)}package main\n`)).not.toThrow();
    expect(() => requireMainPackage(".", "lib.go", `${"\n".repeat(long)}package lib\n`)).toThrow("is package lib, not a main package");
  });

  it("says there is no package clause in 256 KiB of unterminated /* comments", () => {
    expect(() => requireMainPackage(".", "main.go", "/*".repeat(long / 2))).toThrow("main.go: package: no package clause");
  });

  it("reads the clause the Go way: comments anywhere before and around the name", () => {
    expect(() => requireMainPackage(".", "main.go", "//go:build linux\n\n/* a */ package /* b */ main // c\n")).not.toThrow();
    expect(() => requireMainPackage(".", "main.go", 'import "fmt"\npackage main\n')).toThrow("no package clause");
  });
});
