import { ReturnType } from "@dagger.io/dagger";

import { planTest } from "../core/go/test-plan.js";
import type { StageContext } from "./context.js";
import { goContainer, withEnv } from "./go-toolchain.js";
import { toolStep } from "./tool.js";
import { TestReport } from "../src/test-report.js";

/**
 * Runs go test and keeps its outcome as data: a failing suite still yields its reports, and the
 * caller decides whether to fail the job (TestReport.check).
 */
export async function runTests(ctx: StageContext): Promise<TestReport> {
  const { test, go } = ctx.pipeline;
  const plan = planTest({ ...test, tags: go.buildTags, ...ctx.toolchain.env });
  const ran = withEnv(await goContainer(ctx.toolchain, ctx.module), plan.env)
    .withExec(["mkdir", "-p", plan.outputDir])
    .withExec(plan.argv, { expect: ReturnType.Any, redirectStdout: plan.eventsPath });
  // go test's own exit is data (a failing suite still has reports); a failure before it (go mod download) is an error.
  const exitCode = await toolStep("go test", ran.exitCode());
  const coverprofile = plan.coverprofilePath && (await ran.exists(plan.coverprofilePath)) ? ran.file(plan.coverprofilePath) : undefined;
  return TestReport.of(ran.file(plan.eventsPath), exitCode, coverprofile, { modulePath: ctx.mod.module, sourceDir: ctx.pipeline.source, timestamp: ctx.release.sourceDateEpoch ?? 0 });
}
