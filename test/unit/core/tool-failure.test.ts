import { describe, expect, it } from "vitest";

import { GantryError } from "../../../core/errors.js";
import { outputTail, TAIL_LINES, toolFailure, ToolError } from "../../../core/tool-failure.js";

const CRANE_STDERR = ["2026/12/07 09:12:01 pushing layout", "Error: open /gantry/layout/blobs/sha256/0f3c2b: permission denied", ""].join("\n");

describe("toolFailure", () => {
  it("names the step, the command and its exit code, with what the tool wrote to stderr", () => {
    const error = toolFailure("crane push", {
      cmd: ["/ko-app/crane", "push", "/gantry/layout", "ghcr.io/acme/api:1.2.3"],
      exitCode: 1,
      stdout: "",
      stderr: CRANE_STDERR,
    });
    expect(error).toBeInstanceOf(ToolError);
    expect(error).toBeInstanceOf(GantryError);
    expect(error.message).toBe(
      "crane push: `/ko-app/crane push /gantry/layout ghcr.io/acme/api:1.2.3` exited with code 1:\n" +
        "2026/12/07 09:12:01 pushing layout\nError: open /gantry/layout/blobs/sha256/0f3c2b: permission denied",
    );
    expect(error.exitCode).toBe(1);
    expect(error.step).toBe("crane push");
  });

  it("keeps only the last lines of a long stderr, and cuts very long lines", () => {
    const stderr = Array.from({ length: 100 }, (_, i) => `line ${i}`).join("\n") + "\n" + "x".repeat(2000);
    const tail = outputTail(stderr);
    const lines = tail.split("\n");
    expect(lines).toHaveLength(TAIL_LINES);
    expect(lines[0]).toBe(`line ${100 - TAIL_LINES + 1}`);
    expect(lines.at(-1)).toBe(`${"x".repeat(500)}…`);
  });

  it("falls back to stdout when the tool reported there, and says so when it printed nothing", () => {
    expect(toolFailure("git", { cmd: ["git", "log"], exitCode: 128, stdout: "fatal: not a git repository\n", stderr: "\n" }).message).toBe(
      "git: `git log` exited with code 128:\nfatal: not a git repository",
    );
    expect(toolFailure("cosign sign", { cmd: ["cosign", "sign"], exitCode: 2, stdout: "", stderr: "" }).message).toBe(
      "cosign sign: `cosign sign` exited with code 2 and printed nothing",
    );
  });
});
