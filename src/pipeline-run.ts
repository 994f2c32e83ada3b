import { func, object } from "@dagger.io/dagger";

/** One run of the pipeline's stages: what ran, what it gave, and the verdict. */
@object()
export class PipelineRun {
  /** passed, failed, or needs-approval (a manual stage is waiting). */
  @func()
  status: string;
  /** One line per stage: name, status and why. */
  @func()
  stages: string[];
  /** The run's Markdown summary: stages with timings, tests, scan, pushed digests, rollout steps. Example: dagger call run summary >> "$GITHUB_STEP_SUMMARY" */
  @func()
  summary: string;

  // Only API types may appear in an @object constructor (they become part of the module's API).
  constructor(status: string, stages: string[], summary: string) {
    this.status = status;
    this.stages = stages;
    this.summary = summary;
  }

  /** Fails unless every selected stage passed, naming the stages that did not. */
  @func()
  check(): void {
    if (this.status !== "passed") throw new Error(`the pipeline ${this.status}:\n${this.stages.filter((s) => !s.includes(": passed")).join("\n")}`);
  }
}
