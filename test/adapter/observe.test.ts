// dashboard and alerts wired against the Dagger SIMULATION: the files the user exports are the
// core's text, named after the service and environment, with the report modes.
import { readFileSync } from "node:fs";

import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@dagger.io/dagger", () => import("../support/dagger-simulation.js"));

import { environmentAlerts, environmentDashboard } from "../../dagger/observe.js";
import type { StageContext } from "../../dagger/context.js";
import { alertFiles } from "../../core/kube/observe/alert-rules.js";
import { dashboardJson } from "../../core/kube/observe/dashboard.js";
import { serviceView } from "../../core/kube/observe/service-view.js";
import { environmentOf } from "../../core/pipeline/deploy-request.js";
import { loadPipeline } from "../../core/pipeline/load.js";
import { fileContents, simulation, tree } from "../support/dagger-simulation.js";

const FILE = "pipelines/canary-example.yaml";
const pipeline = loadPipeline(readFileSync(new URL(`../../${FILE}`, import.meta.url), "utf8"), FILE);
// Only the pipeline is read: the service is named in it.
const ctx = { pipeline } as StageContext;
const view = serviceView("hello-api", environmentOf(pipeline, "production"));

beforeEach(() => simulation.reset());

describe("dashboard and alerts (simulation)", () => {
  it("dashboard: one JSON file named after the service and environment, the core's text, 0644", async () => {
    const file = simulation.node(await environmentDashboard(ctx, "production"));
    expect(file.call).toEqual({ method: "file", args: ["hello-api-production.json"] });
    expect(fileContents(file)).toBe(dashboardJson(view));
    const written = file.parent!.parent!.calls("withNewFile");
    expect(written.map((c) => c.args[2])).toEqual([{ permissions: 0o644 }]);
  });

  it("alerts: the rule file and the two operator objects, the core's text", async () => {
    const dir = simulation.node(await environmentAlerts(ctx, "production"));
    const files = tree(dir)!;
    expect(Object.fromEntries([...files].map(([p, e]) => [p, "text" in e ? e.text : undefined]))).toEqual(alertFiles(view));
  });

  it("an environment without analysis fails naming it", async () => {
    await expect(environmentAlerts(ctx, "staging")).rejects.toThrow(/environment staging has no analysis section/);
  });
});
