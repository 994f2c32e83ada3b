import { ReturnType, type File } from "@dagger.io/dagger";

import { planTest } from "../core/go/test-plan.js";
import type { StageContext } from "./context.js";
import { goContainer, withEnv } from "./go-toolchain.js";
import { toolStep } from "./tool.js";

/** What go test left: its event stream, exit code and coverage profile, and where the sources came from. */
export interface TestRun {
  events: File;
  exitCode: number;
  coverprofile?: File;
  source: { modulePath: string; sourceDir: string; timestamp: number };
}

/**
 * Runs go test and keeps its outcome as plain data: a failing suite still yields its reports, and the
 * caller decides whether to fail the job (the Dagger surface wraps it in TestReport, whose check does).
 */
export async function runTests(ctx: StageContext): Promise<TestRun> {
  const { test, go } = ctx.pipeline;
  const plan = planTest({ ...test, tags: go.buildTags, ...ctx.toolchain.env });
  const ran = withEnv(await goContainer(ctx.toolchain, ctx.module), plan.env)
    .withExec(["mkdir", "-p", plan.outputDir])
    .withExec(plan.argv, { expect: ReturnType.Any, redirectStdout: plan.eventsPath });
  // go test's own exit is data (a failing suite still has reports); a failure before it (go mod download) is an error.
  const exitCode = await toolStep("go test", ran.exitCode());
  const coverprofile = plan.coverprofilePath && (await ran.exists(plan.coverprofilePath)) ? ran.file(plan.coverprofilePath) : undefined;
  return {
    events: ran.file(plan.eventsPath),
    exitCode,
    coverprofile,
    source: { modulePath: ctx.mod.module, sourceDir: ctx.pipeline.source, timestamp: ctx.release.sourceDateEpoch ?? 0 },
  };
}
