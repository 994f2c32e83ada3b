import { describe, expect, it } from "vitest";
import { FileError } from "../../../core/errors.js";
import { isIsoDate, parseAllowList } from "../../../core/scan/allow-list.js";

function fileError(text: string): FileError {
  try {
    parseAllowList(text, ".gantry/allow-list.yaml");
  } catch (error) {
    expect(error).toBeInstanceOf(FileError);
    return error as FileError;
  }
  throw new Error("expected a FileError");
}

describe("parseAllowList", () => {
  it("reads entries with their line numbers", () => {
    const entries = parseAllowList(
      [
        "# accepted risks",
        "- id: CVE-2024-0001",
        "  until: 2026-12-31",
        "  reason: not reachable from our code",
        "- id: GHSA-aaaa-bbbb-cccc",
        "  package: golang.org/x/net",
        "",
      ].join("\n"),
      "allow.yaml",
    );
    expect(entries).toEqual([
      { id: "CVE-2024-0001", until: "2026-12-31", reason: "not reachable from our code", source: { file: "allow.yaml", line: 2 } },
      { id: "GHSA-aaaa-bbbb-cccc", package: "golang.org/x/net", source: { file: "allow.yaml", line: 5 } },
    ]);
  });

  it("an empty file or only comments is an empty list", () => {
    expect(parseAllowList("", "a.yaml")).toEqual([]);
    expect(parseAllowList("# nothing accepted\n", "a.yaml")).toEqual([]);
  });

  it("rejects a misspelt field with its line", () => {
    const error = fileError("- id: CVE-1\n- id: CVE-2\n  untill: 2026-01-01\n");
    expect([error.line, error.field]).toEqual([3, "untill"]);
    expect(error.message).toMatch(/^\.gantry\/allow-list\.yaml:3: untill: entry 2: unknown field/);
  });

  it("rejects an entry without an id", () => {
    const error = fileError("- reason: forgot the id\n");
    expect([error.line, error.field]).toEqual([1, "id"]);
  });

  it("rejects a date that is not YYYY-MM-DD or not on the calendar", () => {
    expect(fileError("- id: CVE-1\n  until: 31/12/2026\n").field).toBe("until");
    expect(fileError("- id: CVE-1\n  until: 2026-02-30\n").problem).toContain("2026-02-30");
  });

  it("rejects a mapping at the top level, a non-text value and a repeated entry", () => {
    expect(fileError("id: CVE-1\n").problem).toContain("expected a list");
    expect(fileError("- id: CVE-1\n  reason: [a, b]\n").field).toBe("reason");
    expect(fileError("- id: CVE-1\n- id: cve-1\n").problem).toContain("repeats the entry on line 1");
  });

  it("reports YAML syntax errors with the line", () => {
    const error = fileError('- id: CVE-1\n  reason: "unterminated\n');
    expect(error.problem).toMatch(/^invalid YAML/);
    expect(error.line).toBeGreaterThanOrEqual(2);
  });
});

describe("isIsoDate", () => {
  it("accepts real dates only", () => {
    expect(["2024-02-29", "2026-12-31"].map(isIsoDate)).toEqual([true, true]);
    expect(["2023-02-29", "2026-13-01", "2026-1-01", "tomorrow"].map(isIsoDate)).toEqual([false, false, false, false]);
  });
});
