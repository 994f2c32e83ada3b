import { escapeXml } from "./xml.js";

/**
 * The JUnit shape that GitHub (test reporters such as dorny/test-reporter, mikepenz/action-junit-report)
 * and GitLab (`artifacts:reports:junit`) both read: <testsuites><testsuite><testcase> with
 * <failure>, <error> or <skipped> children and an optional <system-out>.
 */
export interface JUnitCase {
  name: string;
  classname: string;
  /** Seconds. */
  time: number;
  status: "passed" | "failed" | "error" | "skipped";
  /** Short reason on the failure/skip element. */
  message?: string;
  /** Full text (output, stack, description). */
  details?: string;
}

export interface JUnitSuite {
  name: string;
  /** Seconds. */
  time: number;
  timestamp?: string;
  properties?: Record<string, string>;
  cases: JUnitCase[];
  /** Suite-level output, for example a package's build errors. */
  systemOut?: string;
}

/** `time` is the root's: the run's wall time when suites ran in parallel; the sum of the suites' otherwise. */
export function renderJUnit(suites: JUnitSuite[], name = "", time = suites.reduce((t, s) => t + s.time, 0)): string {
  const totals = sumCounts(suites.flatMap((s) => s.cases));
  const lines = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites${attr("name", name || undefined)} tests="${totals.tests}" failures="${totals.failures}" errors="${totals.errors}" skipped="${totals.skipped}" time="${seconds(time)}">`,
  ];
  suites.forEach((suite, id) => lines.push(...renderSuite(suite, id)));
  lines.push(`</testsuites>`, "");
  return lines.join("\n");
}

function renderSuite(suite: JUnitSuite, id: number): string[] {
  const c = sumCounts(suite.cases);
  const out = [
    `  <testsuite${attr("name", suite.name)} id="${id}" tests="${c.tests}" failures="${c.failures}" errors="${c.errors}" skipped="${c.skipped}" time="${seconds(suite.time)}"${attr("timestamp", suite.timestamp)}>`,
  ];
  const props = Object.entries(suite.properties ?? {});
  if (props.length > 0) {
    out.push(`    <properties>`);
    for (const [k, v] of props) out.push(`      <property${attr("name", k)}${attr("value", v)}></property>`);
    out.push(`    </properties>`);
  }
  for (const tc of suite.cases) out.push(...renderCase(tc));
  if (suite.systemOut) out.push(`    <system-out>${escapeXml(suite.systemOut)}</system-out>`);
  out.push(`  </testsuite>`);
  return out;
}

function renderCase(tc: JUnitCase): string[] {
  const open = `    <testcase${attr("name", tc.name)}${attr("classname", tc.classname)} time="${seconds(tc.time)}"`;
  if (tc.status === "passed") return [`${open}></testcase>`];
  const tag = tc.status === "skipped" ? "skipped" : tc.status === "error" ? "error" : "failure";
  const body = tc.details ? escapeXml(tc.details) : "";
  return [`${open}>`, `      <${tag}${attr("message", tc.message ?? tc.status)}>${body}</${tag}>`, `    </testcase>`];
}

function sumCounts(cases: JUnitCase[]) {
  return {
    tests: cases.length,
    failures: cases.filter((c) => c.status === "failed").length,
    errors: cases.filter((c) => c.status === "error").length,
    skipped: cases.filter((c) => c.status === "skipped").length,
  };
}

function attr(name: string, value: string | undefined): string {
  return value === undefined ? "" : ` ${name}="${escapeXml(value)}"`;
}

function seconds(s: number): string {
  return s.toFixed(3);
}
