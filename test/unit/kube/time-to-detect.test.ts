import { describe, expect, it } from "vitest";

import { timeToDetect } from "../../../core/kube/rollout/time-to-detect.js";
import { environment, PROMETHEUS } from "./fixtures.js";

const POLL = 2000;

describe("time to detect a bad canary", () => {
  it("default canary steps: (failureLimit + 1) x interval after the 5% step, plus one poll", () => {
    // PROMETHEUS: interval 10s, count 2, failureLimit 0.
    expect(timeToDetect(environment({ analysis: PROMETHEUS, strategy: { type: "canary" } }), POLL)).toEqual({
      worstMs: 12_000,
      explanation: "12s = (failureLimit 0 + 1) x interval 10s + one poll 2s",
    });
  });
  it("counts the timed pauses before the first analysis, and that step's own settings", () => {
    const env = environment({
      analysis: { ...PROMETHEUS, failureLimit: 1, count: 5 },
      strategy: {
        type: "canary",
        steps: [{ setWeight: 5 }, { pause: { duration: "1m" } }, { setWeight: 10 }, { analysis: { interval: "30s", failureLimit: 2 } }, { setWeight: 100 }],
      },
    });
    expect(timeToDetect(env, POLL).worstMs).toBe(60_000 + 3 * 30_000 + POLL);
  });
  it("says when nothing measures the canary, or a person must act first", () => {
    expect(timeToDetect(environment({ strategy: { type: "canary" } }), POLL)).toEqual({
      explanation: expect.stringMatching(/^never automatic: no analysis step/),
    });
    expect(
      timeToDetect(environment({ analysis: PROMETHEUS, strategy: { type: "canary", steps: [{ setWeight: 5 }, { pause: {} }, { analysis: {} }] } }), POLL)
        .explanation,
    ).toMatch(/until someone promotes or aborts by hand/);
    expect(timeToDetect(environment({}), POLL).explanation).toMatch(/^never automatic: a rolling update/);
    expect(timeToDetect(environment({ strategy: { type: "blueGreen" } }), POLL).explanation).toMatch(/no user reaches the new colour before the switch/);
  });
});
