import { GATE_FILE } from "../report/gate-file.js";

/** The file name of each report of one go test run, in its reports directory. */
export const TEST_REPORT_FILES = {
  junit: "junit.xml",
  events: "go-test.json",
  coverprofile: "coverage.out",
  cobertura: "coverage.xml",
  markdown: "summary.md",
  gate: GATE_FILE,
} as const;
