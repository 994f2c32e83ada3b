// Stage results as the Dagger executor returns them, replayed by a fake executor that records what
// the runner asked for and when. The runner's decisions are what is under test, not the stages.
import type { Stage } from "../../../core/pipeline/graph.js";
import type { StageInputs, StageResult } from "../../../core/pipeline/runner.js";

const DIGEST = `sha256:${"4f3c2b1a".repeat(8)}`;

export const RESULTS: Record<string, StageResult> = {
  test: { status: "passed", output: { kind: "test", passed: 42, failed: 0, skipped: 1, coverage: 81.25 }, cacheHit: false },
  "pr-check": { status: "passed", output: { kind: "test", passed: 42, failed: 0, skipped: 1 } },
  build: { status: "passed", output: { kind: "build", binaries: ["hello-api_linux_amd64", "hello-api_linux_arm64"] }, cacheHit: true },
  image: { status: "passed", output: { kind: "image", platforms: ["linux/amd64", "linux/arm64"] }, cacheHit: true },
  scan: { status: "passed", output: { kind: "scan", verdict: "passed", counts: { LOW: 3, MEDIUM: 1 }, failing: 0 } },
  publish: {
    status: "passed",
    output: {
      kind: "publish",
      image: {
        repository: "ghcr.io/acme/hello-api",
        digest: DIGEST,
        refs: [`ghcr.io/acme/hello-api:1.2.3@${DIGEST}`, `ghcr.io/acme/hello-api:latest@${DIGEST}`],
      },
    },
  },
  "deploy-staging": {
    status: "passed",
    output: {
      kind: "deploy",
      environment: "staging",
      image: `ghcr.io/acme/hello-api@${DIGEST}`,
      steps: [
        { name: "canary 20%", status: "passed", measurements: [{ name: "error rate", value: 0.002, limit: 0.01, passed: true }] },
        { name: "promote", status: "passed" },
      ],
    },
  },
  "deploy-production": {
    status: "passed",
    output: { kind: "deploy", environment: "production", image: `ghcr.io/acme/hello-api@${DIGEST}`, steps: [{ name: "promote", status: "passed" }] },
  },
};

export { DIGEST };

export interface Call {
  stage: string;
  inputs: StageInputs;
}

/** Replays `results` (overridable per stage) and logs "start X" / "end X" in the order they happen. */
export function replay(overrides: Record<string, StageResult | Error> = {}) {
  const events: string[] = [];
  const calls: Call[] = [];
  const execute = async (stage: Stage, inputs: StageInputs): Promise<StageResult> => {
    events.push(`start ${stage.name}`);
    calls.push({ stage: stage.name, inputs });
    await Promise.resolve();
    events.push(`end ${stage.name}`);
    const result = overrides[stage.name] ?? RESULTS[stage.name];
    if (result instanceof Error) throw result;
    if (!result) throw new Error(`no recorded result for ${stage.name}`);
    return result;
  };
  return { execute, events, calls };
}
