import type { AnalysisConfig } from "../config/types.js";
import { parseQueryResponse, type QueryResult } from "./prometheus-response.js";
import { renderQuery, type QueryContext } from "./queries.js";
import { requestsCheck, thresholdCheck, undecided, type Check } from "./verdict.js";

/** Sends a PromQL instant query and resolves with the body; rejects when Prometheus cannot be reached. */
export type Query = (promql: string) => Promise<string>;

/**
 * The metric checks of one measurement of a track: error rate and p99 against their limits, and,
 * with minRequests, the requests in the window (too few make the failed checks inconclusive). The
 * same for a live rollout and for a replay of a past window.
 */
export async function measureMetrics(analysis: AnalysisConfig, context: Omit<QueryContext, "window">, query: Query | undefined): Promise<Check[]> {
  const full = { ...context, window: analysis.window };
  const ask = async (template: string): Promise<QueryResult> => {
    if (!query) return { ok: false, problem: "no Prometheus client was given to the rollout" };
    try {
      return parseQueryResponse(await query(renderQuery(template, full)));
    } catch (err) {
      return { ok: false, problem: `Prometheus unreachable: ${(err as Error).message}`, providerError: true };
    }
  };
  const measured = [
    thresholdCheck("error rate", await ask(analysis.queries.errorRate), analysis.maxErrorRate, "ratio"),
    thresholdCheck("p99 latency", await ask(analysis.queries.p99Latency), analysis.maxP99Ms / 1000, "seconds"),
  ];
  if (analysis.minRequests === 0) return measured;
  const requests = requestsCheck(await ask(analysis.queries.requests), analysis.minRequests);
  return [...(requests.kind === "inconclusive" ? undecided(measured) : measured), requests];
}
