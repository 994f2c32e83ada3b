// The alert rules of pipelines/canary-example.yaml's production, checked by the real promtool and
// unit-tested with `promtool test rules`: series in, alerts out. Debian's promtool (2.x, the one
// setup installs) and the upstream 3.x one scripts/install-prometheus.sh builds both read them.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { afterAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";

import { alertRules, type AlertingRule } from "../../core/kube/observe/alert-rules.js";
import { serviceView } from "../../core/kube/observe/service-view.js";
import { environmentOf } from "../../core/pipeline/deploy-request.js";
import { loadPipeline } from "../../core/pipeline/load.js";
import { runArgv } from "../support/run.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const FILE = "pipelines/canary-example.yaml";
const UPSTREAM_VERSION = "3.16.0";
const PROMTOOLS = {
  debian: "/usr/bin/promtool",
  upstream: join(process.env.GANTRY_PROMETHEUS_DIR ?? join(ROOT, ".tools", "prometheus", UPSTREAM_VERSION), "bin", "promtool"),
};
const INSTALLED_BY = { debian: "scripts/install-apt.sh (Debian's prometheus package)", upstream: "scripts/install-prometheus.sh" };

const pipeline = loadPipeline(readFileSync(join(ROOT, FILE), "utf8"), FILE);
const view = serviceView(pipeline.name!, environmentOf(pipeline, "production"));
const rules = alertRules(view);
const alert = (name: string) => rules.groups[0]!.rules.find((r): r is AlertingRule => "alert" in r && r.alert === name)!;

const dir = mkdtempSync(join(tmpdir(), "gantry-alert-rules-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, "rules.yaml"), stringify(rules));

const where = { namespace: "hello-production", service: "hello-api" };
const requests = (track: string, code: string, perStep: number) => ({
  series: `http_requests_total{namespace="hello-production",service="hello-api",track="${track}",path="/",code="${code}"}`,
  values: `0+${perStep}x60`,
});
/** 1000 requests every 15 s on the track, `errors` of them 500s. */
const traffic = (track: string, errors: number) => [requests(track, "200", 1000 - errors), requests(track, "500", errors)];
const annotations = (name: string, values: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(alert(name).annotations).map(([k, v]) => [k, Object.entries(values).reduce((text, [from, to]) => text.replace(from, to), v)]),
  );
const errorAnnotations = (percent: string) =>
  annotations("GantryErrorRatioHigh", { "{{ $labels.track }}": "stable", "{{ $value | humanizePercentage }}": percent });

const TESTS = {
  rule_files: ["rules.yaml"],
  evaluation_interval: "15s",
  tests: [
    {
      name: "3% errors on stable for longer than an analysis step watches: the error alert fires",
      interval: "15s",
      input_series: traffic("stable", 30),
      alert_rule_test: [
        { eval_time: "1m", alertname: "GantryErrorRatioHigh", exp_alerts: [] },
        {
          eval_time: "5m",
          alertname: "GantryErrorRatioHigh",
          exp_alerts: [{ exp_labels: { ...where, track: "stable", severity: "critical" }, exp_annotations: errorAnnotations("3%") }],
        },
      ],
    },
    {
      name: "0.5% errors on stable: silent",
      interval: "15s",
      input_series: traffic("stable", 5),
      alert_rule_test: [{ eval_time: "5m", alertname: "GantryErrorRatioHigh", exp_alerts: [] }],
    },
    {
      name: "3% on the canary: the rollout judges it, no page",
      interval: "15s",
      input_series: [...traffic("stable", 0), ...traffic("canary", 30)],
      alert_rule_test: [{ eval_time: "5m", alertname: "GantryErrorRatioHigh", exp_alerts: [] }],
    },
    {
      name: "half of a handful of requests fail: too few to decide, silent",
      interval: "15s",
      input_series: [
        { series: requests("stable", "200", 1).series, values: "0+1x60" },
        { series: requests("stable", "500", 1).series, values: "0+1x60" },
      ],
      alert_rule_test: [{ eval_time: "5m", alertname: "GantryErrorRatioHigh", exp_alerts: [] }],
    },
    {
      name: "every request between 1 s and 2.5 s: the p99 alert fires",
      interval: "15s",
      input_series: [
        ...traffic("stable", 0),
        ...["0.5", "1", "2.5", "+Inf"].map((le) => ({
          series: `http_request_duration_seconds_bucket{namespace="hello-production",service="hello-api",track="stable",path="/",le="${le}"}`,
          values: Number(le) < 2.5 ? "0x60" : "0+1000x60",
        })),
      ],
      alert_rule_test: [
        {
          eval_time: "5m",
          alertname: "GantryLatencyP99High",
          exp_alerts: [
            {
              exp_labels: { ...where, track: "stable", severity: "critical" },
              exp_annotations: annotations("GantryLatencyP99High", { "{{ $labels.track }}": "stable", "{{ $value | humanizeDuration }}": "2.485s" }),
            },
          ],
        },
      ],
    },
    {
      name: "the last rollout aborted (kube-state-metrics exports the phase annotation): fires at once",
      interval: "1m",
      input_series: [
        { series: `kube_service_annotations{namespace="hello-production",service="hello-api",annotation_gantry_dev_rollout_phase="aborted"}`, values: "1x10" },
      ],
      alert_rule_test: [
        {
          eval_time: "1m",
          alertname: "GantryRolloutAborted",
          exp_alerts: [{ exp_labels: { ...where, severity: "warning" }, exp_annotations: alert("GantryRolloutAborted").annotations }],
        },
      ],
    },
    {
      name: "a rollout progressing past the longest its steps take (30 min here): stuck",
      interval: "1m",
      input_series: [
        {
          series: `kube_service_annotations{namespace="hello-production",service="hello-api",annotation_gantry_dev_rollout_phase="progressing"}`,
          values: "1x60",
        },
      ],
      alert_rule_test: [
        { eval_time: "25m", alertname: "GantryRolloutStuck", exp_alerts: [] },
        {
          eval_time: "35m",
          alertname: "GantryRolloutStuck",
          exp_alerts: [{ exp_labels: { ...where, severity: "warning" }, exp_annotations: alert("GantryRolloutStuck").annotations }],
        },
        { eval_time: "35m", alertname: "GantryRolloutAborted", exp_alerts: [] },
      ],
    },
  ],
};

function promtool(which: keyof typeof PROMTOOLS): string {
  const path = PROMTOOLS[which];
  if (!existsSync(path)) throw new Error(`${path} is missing: run ${INSTALLED_BY[which]} (npm run setup runs it)`);
  return path;
}

describe.each(Object.keys(PROMTOOLS) as (keyof typeof PROMTOOLS)[])("the generated rules under %s promtool", (which) => {
  it("pass `promtool check rules`", async () => {
    const ran = await runArgv([promtool(which), "check", "rules", "rules.yaml"], { cwd: dir });
    expect(ran.status, ran.stdout + ran.stderr).toBe(0);
    expect(ran.stdout + ran.stderr).toMatch(/SUCCESS: 10 rules found/);
  });

  it("pass `promtool test rules`: 3% errors page, 0.5% does not, and the rollout alerts fire when they should", async () => {
    writeFileSync(join(dir, `tests-${which}.yaml`), stringify(TESTS));
    const ran = await runArgv([promtool(which), "test", "rules", `tests-${which}.yaml`], { cwd: dir });
    expect(ran.status, ran.stdout + ran.stderr).toBe(0);
    expect(ran.stdout + ran.stderr).toMatch(/SUCCESS/);
  });

  it("fail `promtool test rules` that expects a page at 0.5%: the tests above can fail", async () => {
    const wrong = {
      ...TESTS,
      tests: [
        {
          ...TESTS.tests[1]!,
          alert_rule_test: [
            {
              eval_time: "5m",
              alertname: "GantryErrorRatioHigh",
              exp_alerts: [{ exp_labels: { ...where, track: "stable", severity: "critical" }, exp_annotations: errorAnnotations("0.5%") }],
            },
          ],
        },
      ],
    };
    writeFileSync(join(dir, `wrong-${which}.yaml`), stringify(wrong));
    const ran = await runArgv([promtool(which), "test", "rules", `wrong-${which}.yaml`], { cwd: dir });
    expect(ran.status).not.toBe(0);
    expect(ran.stdout + ran.stderr).toMatch(/GantryErrorRatioHigh/);
  });
});
