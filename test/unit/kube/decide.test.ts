import { describe, expect, it } from "vitest";
import { GantryError } from "../../../core/errors.js";
import { NGINX_CANARY, NGINX_CANARY_WEIGHT } from "../../../core/kube/routers/nginx.js";
import { decide } from "../../../core/kube/rollout/decide.js";
import { parseObserved, type Observed, type ObservedDeployment } from "../../../core/kube/rollout/observed.js";
import { planRollout } from "../../../core/kube/rollout/plan.js";
import { readState, stateAnnotations, type RolloutState } from "../../../core/kube/rollout/state.js";
import { hello, IMAGE_B } from "./fixtures.js";

const T0 = Date.UTC(2026, 0, 1);
const raw = {
  replicas: 4,
  ingress: { host: "api.example.com" },
  strategy: { type: "canary", trafficRouter: "nginx", steps: [{ setWeight: 25 }, { pause: { duration: "30s" } }, { setWeight: 50 }] },
};
const plan = planRollout(hello(raw, IMAGE_B));

function dep(name: string, revision: string, replicas: number, ready = replicas): ObservedDeployment {
  return { name, revision, specReplicas: replicas, replicas, updatedReplicas: replicas, readyReplicas: ready, current: true, deadlineExceeded: false };
}
function state(over: Partial<RolloutState>): RolloutState {
  return {
    strategy: "canary",
    revision: plan.revision,
    image: IMAGE_B,
    stableRevision: "old",
    phase: "progressing",
    step: 0,
    weight: 0,
    total: 4,
    stepStartedAt: T0,
    ...over,
  };
}
function observed(over: Partial<Observed>): Observed {
  return { now: T0 + 1000, deployments: { "hello-api": dep("hello-api", "old", 4) }, services: {}, routing: {}, restarts: {}, pullFailures: {}, ...over };
}

/** The nginx canary Ingress as parseObserved records it. */
function canaryIngressAt(weight: number): Observed["routing"] {
  return { "Ingress/hello-api-canary": { annotations: { [NGINX_CANARY]: "true", [NGINX_CANARY_WEIGHT]: String(weight) }, spec: {} } };
}

describe("decide() over observed states (nginx canary)", () => {
  it("starts a rollout by saving its state with the base objects", () => {
    const a = decide(plan, observed({}));
    expect(a.kind).toBe("apply");
    expect(a.kind === "apply" && a.then).toMatchObject({ phase: "progressing", step: 0, stableRevision: "old", total: 4, revision: plan.revision });
  });

  it("creates the canary with ceil(4 * 25%) = 1 pod before any weight", () => {
    const a = decide(plan, observed({ state: state({}) }));
    expect(a.kind === "apply" && (a.objects[0] as any).spec.replicas).toBe(1);
  });

  it("waits for the canary's pods, keeping the weight at 0 (never weight a canary with no ready pods)", () => {
    const a = decide(
      plan,
      observed({
        state: state({}),
        deployments: { "hello-api": dep("hello-api", "old", 4), "hello-api-canary": dep("hello-api-canary", plan.revision, 1, 0) },
      }),
    );
    expect(a.kind).toBe("wait");
  });

  it("routes 25% once the canary is ready, then records the step", () => {
    const deployments = { "hello-api": dep("hello-api", "old", 4), "hello-api-canary": dep("hello-api-canary", plan.revision, 1) };
    const route = decide(plan, observed({ state: state({}), deployments }));
    expect(route).toMatchObject({ kind: "apply", weight: 25 });
    const next = decide(plan, observed({ state: state({}), deployments, routing: canaryIngressAt(25) }));
    expect(next).toMatchObject({ kind: "save", state: { step: 1, weight: 25 } });
  });

  it("keeps the previous weight while the canary scales up for the next step", () => {
    const deployments = { "hello-api": dep("hello-api", "old", 4), "hello-api-canary": dep("hello-api-canary", plan.revision, 2, 1) };
    const a = decide(plan, observed({ state: state({ step: 2, weight: 25 }), deployments, routing: canaryIngressAt(25) }));
    expect(a.kind).toBe("wait");
  });

  it("resets the weight to 0 before the canary is pointed at another revision", () => {
    const deployments = { "hello-api": dep("hello-api", "old", 4), "hello-api-canary": dep("hello-api-canary", "something-else", 1) };
    const a = decide(plan, observed({ state: state({ step: 0 }), deployments, routing: canaryIngressAt(25) }));
    expect(a).toMatchObject({ kind: "delete", refs: ["ingress/hello-api-canary"], weight: 0 });
  });

  it("resumes a pause after a crash from the recorded start, not from the restart", () => {
    const deployments = { "hello-api": dep("hello-api", "old", 4), "hello-api-canary": dep("hello-api-canary", plan.revision, 1) };
    const s = state({ step: 1, weight: 25, pauseStartedAt: T0 });
    expect(decide(plan, observed({ now: T0 + 10_000, state: s, deployments }))).toMatchObject({ kind: "wait", untilMs: T0 + 30_000 });
    expect(decide(plan, observed({ now: T0 + 31_000, state: s, deployments }))).toMatchObject({ kind: "save", state: { step: 2 } });
  });

  it("aborts a canary not ready by the progress deadline", () => {
    const deployments = { "hello-api": dep("hello-api", "old", 4), "hello-api-canary": dep("hello-api-canary", plan.revision, 1, 0) };
    const a = decide(plan, observed({ now: T0 + 5 * 60_000 + 1, state: state({}), deployments }));
    expect(a).toMatchObject({ kind: "save", state: { phase: "aborting" } });
  });

  it("abort: 100% to stable first, then the canary removed, then aborted", () => {
    const deployments = { "hello-api": dep("hello-api", "old", 4), "hello-api-canary": dep("hello-api-canary", plan.revision, 1) };
    const s = state({ phase: "aborting", weight: 25, message: "x" });
    expect(decide(plan, observed({ state: s, deployments, routing: canaryIngressAt(25) }))).toMatchObject({
      kind: "delete",
      refs: ["ingress/hello-api-canary"],
    });
    expect(decide(plan, observed({ state: s, deployments }))).toMatchObject({
      kind: "delete",
      refs: ["deployment/hello-api-canary", "service/hello-api-canary"],
    });
    // The canary Service alone (a run killed after deleting the Deployment) is removed too.
    const onlyService = { "hello-api-canary": { selector: {}, annotations: {} } };
    expect(decide(plan, observed({ state: s, deployments: { "hello-api": deployments["hello-api"] }, services: onlyService }))).toMatchObject({
      kind: "delete",
      refs: ["deployment/hello-api-canary", "service/hello-api-canary"],
    });
    expect(decide(plan, observed({ state: s, deployments: { "hello-api": deployments["hello-api"] } }))).toMatchObject({
      kind: "save",
      finish: "aborted",
      state: { phase: "aborted" },
    });
  });

  it("nothing to do when the stable already runs the revision", () => {
    expect(decide(plan, observed({ deployments: { "hello-api": dep("hello-api", plan.revision, 4) } }))).toMatchObject({ kind: "done", outcome: "unchanged" });
  });
});

describe("the state in annotations", () => {
  it("round-trips through annotations, and removes what is unset", () => {
    const s = state({ pauseStartedAt: T0, analysis: { taken: 2, failed: 1, inconclusive: 1, errorsInARow: 0, lastAt: T0 + 5 }, message: "error rate 5%" });
    const annotations = stateAnnotations(s);
    expect(annotations["gantry.dev/rollout-switched-at"]).toBeUndefined();
    const stored = Object.fromEntries(Object.entries(annotations).filter((e): e is [string, string] => e[1] !== undefined));
    expect(readState(stored, "service/hello-api")).toEqual(s);
  });
  it("names a damaged annotation instead of guessing", () => {
    const stored = Object.fromEntries(Object.entries(stateAnnotations(state({}))).filter((e): e is [string, string] => e[1] !== undefined));
    expect(() => readState({ ...stored, "gantry.dev/rollout-step": "two" }, "service/hello-api")).toThrow(GantryError);
    expect(() => readState({ ...stored, "gantry.dev/rollout-step": "two" }, "service/hello-api")).toThrow(/gantry.dev\/rollout-step/);
  });
  for (const [annotation, value] of [
    ["weight", "150"],
    ["weight", "-1"],
    ["total", "-4"],
    ["step", "-1"],
    ["step-started-at", "-5"],
    ["step-started-at", "99999999999999999999"],
    ["analysis", "taken=1,failed=2,last=5"],
    ["analysis", "taken=999999,failed=0,last=5"],
  ] as const) {
    it(`refuses ${annotation}=${value}, naming the annotation`, () => {
      const stored = Object.fromEntries(Object.entries(stateAnnotations(state({}))).filter((e): e is [string, string] => e[1] !== undefined));
      expect(() => readState({ ...stored, [`gantry.dev/rollout-${annotation}`]: value }, "service/hello-api")).toThrow(
        new RegExp(`^service/hello-api: annotation gantry\\.dev/rollout-${annotation}: .*(out of range|more failed)`),
      );
    });
  }
  it("is read from the main Service in a kubectl get List", () => {
    const stored = Object.fromEntries(Object.entries(stateAnnotations(state({ step: 3 }))).filter((e): e is [string, string] => e[1] !== undefined));
    const list = {
      kind: "List",
      items: [
        { kind: "Service", metadata: { name: "hello-api", annotations: stored }, spec: { selector: { a: "b" } } },
        {
          kind: "Deployment",
          metadata: { name: "hello-api", generation: 3 },
          spec: { replicas: 4, template: { metadata: { annotations: { "gantry.dev/revision": "r1" } } } },
          status: {
            observedGeneration: 2,
            replicas: 4,
            updatedReplicas: 4,
            readyReplicas: 4,
            conditions: [{ type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded" }],
          },
        },
        {
          kind: "Pod",
          metadata: { name: "p", annotations: { "gantry.dev/revision": "r2" } },
          status: { containerStatuses: [{ restartCount: 2 }, { restartCount: 7 }] },
        },
        { kind: "Pod", metadata: { name: "q", annotations: { "gantry.dev/revision": "r2" } }, status: { containerStatuses: [{ restartCount: 3 }] } },
      ],
    };
    const obs = parseObserved(JSON.stringify(list), "hello-api", T0);
    expect(obs.state?.step).toBe(3);
    expect(obs.deployments["hello-api"]).toMatchObject({ revision: "r1", current: false, deadlineExceeded: true });
    expect(obs.restarts).toEqual({ r2: 7 });
  });

  it("parses the pods a kubelet gave up pulling for, by revision, leaving a first ErrImagePull alone", () => {
    const pod = (name: string, revision: string, reason: string) => ({
      kind: "Pod",
      metadata: { name, annotations: { "gantry.dev/revision": revision } },
      status: { containerStatuses: [{ restartCount: 0, state: { waiting: { reason, message: `${reason} for ${name}` } } }] },
    });
    const list = {
      kind: "List",
      items: [pod("a", "r1", "ErrImagePull"), pod("b", "r2", "ImagePullBackOff"), pod("c", "r3", "InvalidImageName"), pod("d", "r4", "ContainerCreating")],
    };
    expect(parseObserved(JSON.stringify(list), "hello-api", T0).pullFailures).toEqual({
      r2: "ImagePullBackOff: ImagePullBackOff for b",
      r3: "InvalidImageName: InvalidImageName for c",
    });
  });

  it("aborts a canary whose pods cannot pull their image, without waiting for the readiness deadline", () => {
    const a = decide(plan, observed({ state: state({ step: 0 }), pullFailures: { [plan.revision]: "ImagePullBackOff: Back-off pulling image" } }));
    expect(a).toMatchObject({
      kind: "save",
      reason: "abort: canary image pull failure",
      state: { phase: "aborting", message: "canary pods cannot pull their image (ImagePullBackOff: Back-off pulling image)" },
    });
  });
});
