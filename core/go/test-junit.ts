import { renderJUnit, type JUnitCase, type JUnitSuite } from "../report/junit.js";
import { failedOutsideTests, type PackageResult, type TestReport, type TestResult } from "./test-report.js";

/**
 * JUnit XML with one testsuite per package and one testcase per test and subtest, as go-junit-report
 * writes it, so CI test views (GitHub, GitLab) show every Go test.
 */
export function testReportToJUnit(report: TestReport, name = ""): string {
  // go test runs packages in parallel: the root's time is the run's wall time, not the packages' sum.
  return renderJUnit(report.packages.map(packageSuite), name, report.elapsed);
}

function packageSuite(pkg: PackageResult): JUnitSuite {
  const cases = pkg.tests.map(testCase);
  const failure = packageFailureCase(pkg);
  if (failure) cases.push(failure);
  const suite: JUnitSuite = { name: pkg.importPath, time: pkg.elapsed, cases };
  if (pkg.coverage !== undefined) suite.properties = { "coverage.statements.pct": pkg.coverage.toFixed(2) };
  // Without a synthetic case the package's own output (e.g. "exit status 1") still belongs in the report.
  if (!failure && pkg.output.trim()) suite.systemOut = pkg.output.trimEnd();
  return suite;
}

function testCase(test: TestResult): JUnitCase {
  const tc: JUnitCase = { name: test.name, classname: test.package, time: test.elapsed, status: CASE_STATUS[test.status] };
  if (test.status === "pass") return tc;
  tc.message = test.status === "fail" ? "Failed" : "Skipped";
  const details = test.output.trimEnd();
  if (details) tc.details = details;
  return tc;
}

const CASE_STATUS = { pass: "passed", fail: "failed", skip: "skipped" } as const;

/**
 * JUnit has no place for a package that failed outside its tests (compile error, panic in init,
 * TestMain exiting); a failing case carrying the package output keeps the CI test view red.
 */
function packageFailureCase(pkg: PackageResult): JUnitCase | undefined {
  if (!failedOutsideTests(pkg)) return undefined;
  const tc: JUnitCase = {
    name: pkg.buildFailed ? "[build failed]" : "[package failed]",
    classname: pkg.importPath,
    time: pkg.buildFailed ? 0 : pkg.elapsed,
    status: "failed",
    message: pkg.buildFailed ? "Build failed" : "The test binary failed outside any test",
  };
  const details = pkg.output.trimEnd();
  if (details) tc.details = details;
  return tc;
}
