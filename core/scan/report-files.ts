/** The file name of each report of one scan, in its reports directory and as a single file. */
export const SCAN_REPORT_FILES = {
  json: "trivy.json",
  sarif: "trivy.sarif",
  gitlab: "gl-container-scanning-report.json",
  junit: "trivy-junit.xml",
  markdown: "summary.md",
  summary: "summary.txt",
} as const;
