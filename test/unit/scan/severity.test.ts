import { describe, expect, it } from "vitest";
import { ArgumentError } from "../../../core/errors.js";
import { parseSeverityList, SEVERITIES, severitiesAtLeast, severityRank } from "../../../core/scan/severity.js";

describe("severity order", () => {
  it("is UNKNOWN < LOW < MEDIUM < HIGH < CRITICAL", () => {
    const ranks = ["UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL"].map((s) => severityRank(s as (typeof SEVERITIES)[number]));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(new Set(ranks).size).toBe(5);
  });

  it("a threshold covers itself and everything above", () => {
    expect(severitiesAtLeast("MEDIUM")).toEqual(["MEDIUM", "HIGH", "CRITICAL"]);
    expect(severitiesAtLeast("UNKNOWN")).toEqual([...SEVERITIES]);
  });
});

describe("parseSeverityList", () => {
  it("reads a comma-separated list case-insensitively, dropping blanks and repeats", () => {
    expect(parseSeverityList(" critical, High,,HIGH ", "severities")).toEqual(["HIGH", "CRITICAL"]);
    expect(parseSeverityList(["low", "Medium,unknown"], "severities")).toEqual(["UNKNOWN", "LOW", "MEDIUM"]);
  });

  it("names the argument and the bad value", () => {
    const error = (() => {
      try {
        parseSeverityList("HIGH,SEVERE", "failOn");
      } catch (e) {
        return e as ArgumentError;
      }
    })();
    expect(error).toBeInstanceOf(ArgumentError);
    expect(error!.argument).toBe("failOn");
    expect(error!.message).toMatch(/^--fail-on: unknown severity "SEVERE"/);
  });

  it("rejects an empty list", () => {
    expect(() => parseSeverityList(" , ", "severities")).toThrow(ArgumentError);
  });
});
