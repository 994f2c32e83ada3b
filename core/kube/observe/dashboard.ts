// The Grafana dashboard of a service in an environment, built with Grafana's own foundation SDK so
// the JSON follows the dashboard schema of the SDK's Grafana version rather than hand-written shapes.
import { PanelBuilder as ReleasesPanel } from "@grafana/grafana-foundation-sdk/annotationslist";
import {
  GraphThresholdsStyleConfigBuilder,
  GraphThresholdsStyleMode,
  LegendDisplayMode,
  LegendPlacement,
  TooltipDisplayMode,
  VizLegendOptionsBuilder,
  VizTooltipOptionsBuilder,
} from "@grafana/grafana-foundation-sdk/common";
import type { Builder, Dataquery } from "@grafana/grafana-foundation-sdk/cog";
import {
  AnnotationQueryBuilder,
  DashboardBuilder,
  DashboardCursorSync,
  DatasourceVariableBuilder,
  ThresholdsConfigBuilder,
  ThresholdsMode,
  type Dashboard,
} from "@grafana/grafana-foundation-sdk/dashboard";
import { DataqueryBuilder } from "@grafana/grafana-foundation-sdk/prometheus";
import { PanelBuilder as TimeseriesPanel } from "@grafana/grafana-foundation-sdk/timeseries";

import type { Track } from "../manifests/names.js";
import { extraLatencyQuantiles, queriesOf, releaseAnnotationTags, trafficShareQuery, type ServiceView } from "./service-view.js";

/** Every Prometheus panel asks the data source the dashboard's `datasource` variable names. */
const PROMETHEUS = { type: "prometheus", uid: "${datasource}" };
const GRAFANA_ANNOTATIONS = { type: "grafana", uid: "-- Grafana --" };
const PANEL_HEIGHT = 8;

/** One PromQL series of a panel: its legend and the query. */
export interface PanelQuery {
  legend: string;
  expr: string;
}

/** A time-series panel as the dashboard draws it, before the SDK turns it into JSON. */
export interface PanelPlan {
  title: string;
  description: string;
  unit: string;
  queries: PanelQuery[];
  /** A dashed line at the limit; `below` colours what is under it (too few requests) instead of over it. */
  threshold?: { value: number; bad: "above" | "below" };
  max?: number;
}

/**
 * The rows of panels: per metric, one panel per track side by side, then the traffic share and the
 * releases. Plain data, so a test can compare every query with what the analysis sends.
 */
export function dashboardPanels(view: ServiceView): PanelPlan[][] {
  const a = view.analysis;
  const perTrack = (plan: (track: Track) => PanelPlan) => view.tracks.map(plan);
  const rows: PanelPlan[][] = [
    perTrack((track) => ({
      title: `Requests per ${a.window}: ${track}`,
      description: `The requests the analysis counts in each ${a.window} window; under ${a.minRequests} a measurement decides nothing.`,
      unit: "short",
      queries: [{ legend: track, expr: queriesOf(view, track).requests }],
      ...(a.minRequests > 0 ? { threshold: { value: a.minRequests, bad: "below" as const } } : {}),
    })),
    perTrack((track) => ({
      title: `Error ratio: ${track}`,
      description: `5xx share of the requests, as the analysis measures it; the rollout aborts over ${a.maxErrorRate * 100}%.`,
      unit: "percentunit",
      queries: [{ legend: track, expr: queriesOf(view, track).errorRate }],
      threshold: { value: a.maxErrorRate, bad: "above" },
    })),
    perTrack((track) => ({
      title: `Latency: ${track}`,
      description: `p99 as the analysis measures it (the rollout aborts over ${a.maxP99Ms} ms), with other quantiles of the same histogram when the query is the default one.`,
      unit: "s",
      queries: [
        ...extraLatencyQuantiles(view, track).map(({ quantile, expr }) => ({ legend: `p${quantile * 100}`, expr })),
        { legend: "p99", expr: queriesOf(view, track).p99Latency },
      ],
      threshold: { value: a.maxP99Ms / 1000, bad: "above" },
    })),
  ];
  const share = trafficShareQuery(view);
  if (share) {
    rows.push([
      {
        title: `Traffic to ${view.tracks[1]}`,
        description: `The share of requests ${view.tracks[1]} served, from the analysis's request counts: the weight as users received it.`,
        unit: "percentunit",
        queries: [{ legend: `${view.tracks[1]} share`, expr: share }],
        max: 1,
      },
    ]);
  }
  return rows;
}

/** The dashboard as Grafana imports it (Dashboards > New > Import, or the HTTP API's `dashboard` field). */
export function grafanaDashboard(view: ServiceView): Dashboard {
  const tags = releaseAnnotationTags(view);
  const builder = new DashboardBuilder(`${view.service} in ${view.environment}`)
    .uid(dashboardUid(view))
    .description(`Gantry: ${view.service} in namespace ${view.namespace}, with the queries and thresholds of the ${view.environment} environment's analysis.`)
    .tags(["gantry", view.service, view.environment])
    .editable()
    .tooltip(DashboardCursorSync.Crosshair)
    .time({ from: "now-3h", to: "now" })
    .refresh("30s")
    .withVariable(new DatasourceVariableBuilder("datasource").label("Prometheus").type("prometheus"))
    .annotation(
      new AnnotationQueryBuilder().name("Releases").datasource(GRAFANA_ANNOTATIONS).enable(true).iconColor("purple").target(new GrafanaTagsQuery(tags)),
    );
  let y = 0;
  let id = 0;
  for (const row of dashboardPanels(view)) {
    const width = Math.floor(24 / row.length);
    row.forEach((plan, i) =>
      builder.withPanel(
        timeseries(plan)
          .id(++id)
          .gridPos({ x: i * width, y, w: width, h: PANEL_HEIGHT }),
      ),
    );
    y += PANEL_HEIGHT;
  }
  builder.withPanel(
    new ReleasesPanel()
      .id(++id)
      .title("Releases")
      .description(`Annotations tagged ${tags.join(", ")}: each rollout step, promote and abort.`)
      .onlyFromThisDashboard(false)
      .onlyInTimeRange(true)
      .tags(tags)
      .limit(50)
      .showTags(true)
      .showTime(true)
      .gridPos({ x: 0, y, w: 24, h: PANEL_HEIGHT }),
  );
  return builder.build();
}

/** The dashboard as the JSON text Grafana imports. */
export function dashboardJson(view: ServiceView): string {
  return `${JSON.stringify(grafanaDashboard(view), null, 2)}\n`;
}

function timeseries(plan: PanelPlan): TimeseriesPanel {
  const panel = new TimeseriesPanel()
    .title(plan.title)
    .description(plan.description)
    .datasource(PROMETHEUS)
    .unit(plan.unit)
    .min(0)
    .legend(new VizLegendOptionsBuilder().showLegend(true).displayMode(LegendDisplayMode.List).placement(LegendPlacement.Bottom).calcs([]))
    .tooltip(new VizTooltipOptionsBuilder().mode(TooltipDisplayMode.Multi));
  if (plan.max !== undefined) panel.max(plan.max);
  plan.queries.forEach((q, i) =>
    panel.withTarget(
      new DataqueryBuilder()
        .expr(q.expr)
        .legendFormat(q.legend)
        .refId(String.fromCharCode(65 + i)),
    ),
  );
  if (plan.threshold) {
    const { value, bad } = plan.threshold;
    const [under, over] = bad === "above" ? ["green", "red"] : ["red", "green"];
    panel
      .thresholds(
        new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([
          { value: null, color: under },
          { value, color: over },
        ]),
      )
      .thresholdsStyle(new GraphThresholdsStyleConfigBuilder().mode(GraphThresholdsStyleMode.Dashed));
  }
  return panel;
}

/**
 * The built-in Grafana data source's query for annotations by tags (the dashboard schema's
 * AnnotationTarget). The SDK types an annotation's target as a data source query, so this is one,
 * as its README shows for query types it does not ship.
 */
class GrafanaTagsQuery implements Builder<Dataquery> {
  constructor(private readonly tags: string[]) {}

  build(): Dataquery {
    const target = { type: "tags", tags: this.tags, matchAny: false, limit: 100 };
    return { ...target, _implementsDataqueryVariant() {} };
  }
}

/** Stable across runs, so a re-import replaces the dashboard; Grafana allows at most 40 characters. */
export function dashboardUid(view: Pick<ServiceView, "service" | "environment">): string {
  return `gantry-${view.service}-${view.environment}`.slice(0, 40);
}
