import { ReturnType } from "@dagger.io/dagger";

import { planTest, type TestRequest } from "../core/go/test-plan.js";
import { goContainer, readGoMod, withEnv } from "./go-toolchain.js";
import type { Gantry } from "../index.js";
import { TestReport } from "./test-report.js";

/**
 * Runs go test and keeps its outcome as data: a failing suite still yields its reports, and the
 * caller decides whether to fail the job (TestReport.check).
 */
export async function runTests(s: Gantry, request: Omit<TestRequest, "cgo" | "goprivate">): Promise<TestReport> {
  const mod = await readGoMod(s.source);
  const plan = planTest({ ...request, tags: [...s.buildTags, ...(request.tags ?? [])], cgo: s.cgo, goprivate: s.goprivate });
  const base = goContainer(s, mod, await s.source.exists("go.sum"));
  const ran = withEnv(base, plan.env)
    .withExec(["mkdir", "-p", plan.outputDir])
    .withExec(plan.argv, { expect: ReturnType.Any, redirectStdout: plan.eventsPath });
  const exitCode = await ran.exitCode();
  const coverprofile = plan.coverprofilePath && (await ran.exists(plan.coverprofilePath)) ? ran.file(plan.coverprofilePath) : undefined;
  return new TestReport(ran.file(plan.eventsPath), exitCode, coverprofile);
}
