import { readFileSync } from "node:fs";

import { describe, expect, it } from "vitest";

import { testReportToJUnit } from "../../../core/go/test-junit.js";
import { parseTestJson } from "../../../core/go/test2json.js";

const fixtures = new URL("../../fixtures/gotest/", import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, fixtures), "utf8");

/** The parts of a JUnit document CI test views read, so two renderings can be compared whatever their formatting. */
function junitFacts(xml: string) {
  const text = (body: string) =>
    body.startsWith("<![CDATA[")
      ? body.slice(9, -3)
      : body
          .replace(/&lt;/g, "<")
          .replace(/&gt;/g, ">")
          .replace(/&quot;/g, '"')
          .replace(/&apos;/g, "'")
          .replace(/&amp;/g, "&");
  const attr = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
  const suites = [...xml.matchAll(/<testsuite\s[^>]*>[\s\S]*?<\/testsuite>/g)].map(([suite]) => {
    const open = /<testsuite\s[^>]*>/.exec(suite)![0];
    const cases = [...suite.matchAll(/<testcase\s[^>]*?(?:\/>|>([\s\S]*?)<\/testcase>)/g)].map(([tc, body = ""]) => {
      const result = /<(failure|error|skipped)\b[^>]*?(?:\/>|>([\s\S]*?)<\/\1>)/.exec(body);
      return {
        name: attr(tc, "name"),
        classname: attr(tc, "classname"),
        result: result?.[1] ?? "passed",
        details: text(result?.[2] ?? ""),
      };
    });
    const systemOut = /<system-out>([\s\S]*?)<\/system-out>/.exec(suite)?.[1];
    return {
      name: attr(open, "name"),
      tests: attr(open, "tests"),
      failures: attr(open, "failures"),
      errors: attr(open, "errors") ?? "0",
      cases,
      systemOut: systemOut === undefined ? undefined : text(systemOut),
    };
  });
  return suites;
}

describe("testReportToJUnit", () => {
  it("matches go-junit-report's 101-report.xml for the same stream: suites, cases, counts and failure text", () => {
    const ours = testReportToJUnit(parseTestJson(fixture("gojunit-101-fail.gojson.txt")));
    const theirs = fixture("gojunit-101-report.xml");
    expect(junitFacts(ours)).toEqual(junitFacts(theirs));
    expect(junitFacts(ours)[0]!.cases).toHaveLength(2);
  });

  it("gives a package whose build failed a failing [build failed] case with the compiler output", () => {
    const [suite] = junitFacts(testReportToJUnit(parseTestJson(fixture("gotestsum-go-test-build-failed.out"))));
    expect(suite).toEqual({
      name: "example.com/internal/cacher",
      tests: "1",
      failures: "1",
      errors: "0",
      systemOut: undefined,
      cases: [
        {
          name: "[build failed]",
          classname: "example.com/internal/cacher",
          result: "failure",
          details: "# example.com/internal/cacher [example.com/internal/cacher.test]\n./directory_test.go:321:10: undefined: assert.foo",
        },
      ],
    });
  });

  it("gives a package that failed without a failing test a [package failed] case carrying its output", () => {
    const stream = [
      '{"Action":"start","Package":"example.com/svc"}',
      '{"Action":"output","Package":"example.com/svc","Output":"panic: init went wrong\\n"}',
      '{"Action":"fail","Package":"example.com/svc","Elapsed":0.02}',
    ].join("\n");
    const [suite] = junitFacts(testReportToJUnit(parseTestJson(stream)));
    expect(suite!.cases).toEqual([{ name: "[package failed]", classname: "example.com/svc", result: "failure", details: "panic: init went wrong" }]);
    expect(suite!.systemOut).toBeUndefined();
  });

  it("writes skipped tests with their reason, and a passing package's coverage as a property", () => {
    const stream = [
      '{"Action":"run","Package":"example.com/svc","Test":"TestLinuxOnly"}',
      '{"Action":"output","Package":"example.com/svc","Test":"TestLinuxOnly","Output":"    x_test.go:9: not on linux\\n"}',
      '{"Action":"skip","Package":"example.com/svc","Test":"TestLinuxOnly","Elapsed":0}',
      '{"Action":"output","Package":"example.com/svc","Output":"coverage: 81.25% of statements\\n"}',
      '{"Action":"pass","Package":"example.com/svc","Elapsed":0.5}',
    ].join("\n");
    const xml = testReportToJUnit(parseTestJson(stream));
    expect(junitFacts(xml)[0]!.cases).toEqual([
      { name: "TestLinuxOnly", classname: "example.com/svc", result: "skipped", details: "    x_test.go:9: not on linux" },
    ]);
    expect(xml).toContain('<property name="coverage.statements.pct" value="81.25"></property>');
    expect(xml).toContain('skipped="1"');
  });

  it("escapes test output so the document stays well-formed XML", () => {
    const stream = [
      '{"Action":"run","Package":"example.com/svc","Test":"TestXML"}',
      '{"Action":"output","Package":"example.com/svc","Test":"TestXML","Output":"want <a href=\\"x\\">&amp;</a>\\u001b[31m\\n"}',
      '{"Action":"fail","Package":"example.com/svc","Test":"TestXML","Elapsed":0}',
      '{"Action":"fail","Package":"example.com/svc","Elapsed":0}',
    ].join("\n");
    const xml = testReportToJUnit(parseTestJson(stream));
    expect(xml).toContain("want &lt;a href=&quot;x&quot;&gt;&amp;amp;&lt;/a&gt;[31m</failure>");
    expect(junitFacts(xml)[0]!.cases[0]!.details).toBe('want <a href="x">&amp;</a>[31m');
  });
});

describe("testReportToJUnit: the root time", () => {
  it("is the run's wall time (first to last event), not the sum of package times", () => {
    const stream = [
      JSON.stringify({ Time: "2025-03-10T10:00:00Z", Action: "start", Package: "a" }),
      JSON.stringify({ Time: "2025-03-10T10:00:00.1Z", Action: "start", Package: "b" }),
      JSON.stringify({ Time: "2025-03-10T10:00:01.9Z", Action: "pass", Package: "a", Elapsed: 1.8 }),
      JSON.stringify({ Time: "2025-03-10T10:00:02Z", Action: "pass", Package: "b", Elapsed: 1.9 }),
    ].join("\n");
    const xml = testReportToJUnit(parseTestJson(stream));
    expect(/<testsuites[^>]* time="([^"]+)"/.exec(xml)?.[1]).toBe("2.000");
    expect([...xml.matchAll(/<testsuite [^>]* time="([^"]+)"/g)].map((m) => m[1])).toEqual(["1.800", "1.900"]);
  });
});
