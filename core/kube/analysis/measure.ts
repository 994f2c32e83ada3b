import type { AnalysisConfig } from "../config/types.js";
import { parseQueryResponse, type QueryResult } from "./prometheus-response.js";
import { trackQueries, type QueryContext } from "./queries.js";
import { requestsCheck, thresholdCheck, undecided, type Check } from "./verdict.js";

/** Sends a PromQL instant query and resolves with the body; rejects when Prometheus cannot be reached. */
export type Query = (promql: string) => Promise<string>;

/**
 * The metric checks of one measurement of a track: error rate and p99 against their limits, and,
 * with minRequests, the requests in the window (too few make the failed checks inconclusive). The
 * same for a live rollout and for a replay of a past window.
 */
export async function measureMetrics(analysis: AnalysisConfig, context: Omit<QueryContext, "window">, query: Query | undefined): Promise<Check[]> {
  const queries = trackQueries(analysis, context);
  const ask = async (promql: string): Promise<QueryResult> => {
    if (!query) return { ok: false, problem: "no Prometheus client was given to the rollout" };
    try {
      return parseQueryResponse(await query(promql));
    } catch (err) {
      return { ok: false, problem: `Prometheus unreachable: ${(err as Error).message}`, providerError: true };
    }
  };
  const measured = [
    thresholdCheck("error rate", await ask(queries.errorRate), analysis.maxErrorRate, "ratio"),
    thresholdCheck("p99 latency", await ask(queries.p99Latency), analysis.maxP99Ms / 1000, "seconds"),
  ];
  if (analysis.minRequests === 0) return measured;
  const requests = requestsCheck(await ask(queries.requests), analysis.minRequests);
  return [...(requests.kind === "inconclusive" ? undecided(measured) : measured), requests];
}
