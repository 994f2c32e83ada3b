import { describe, expect, it } from "vitest";

import { requireGoFiles, requireGoMod, requireMainPackage } from "../../../src/core/go/main-package.js";

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
    expect(() => requireMainPackage("./internal/server", "internal/server/server.go", "package server\n")).toThrow("--pkg: ./internal/server is package server, not a main package");
  });
});
