import type { Check } from "../analysis/verdict.js";
import type { RolloutReport } from "../report.js";

/** The outcomes that are announced, once each: never one message per measurement or per poll. */
export type NotificationEvent = "promoted" | "aborted" | "waiting" | "stuck";

/** What a message says: what changed, the measured values against their limits, the verdict, what to do. */
export interface Notification {
  event: NotificationEvent;
  service: string;
  environment: string;
  namespace: string;
  revision: string;
  image: string;
  /** What ran before, when the rollout replaced something. */
  previousImage?: string;
  verdict: string;
  reason: string;
  /** The last measurement's checks (measured value, limit, pass), failed ones first. */
  checks: Check[];
  /** `dagger call` lines to act on it: promote and abort while it waits or is stuck, status always. */
  commands: { promote?: string; abort?: string; status: string };
  /** One line: "hello-api in staging: canary aborted". */
  title: string;
  /** The whole message as plain text (Slack and the JSON webhook carry it). */
  text: string;
  at: number;
}

const TITLE: Record<NotificationEvent, string> = {
  promoted: "promoted",
  aborted: "aborted, traffic back on the stable",
  waiting: "waiting for a manual promote",
  stuck: "stuck: the rollout gave up waiting",
};

/**
 * The message a finished run announces, or undefined when its outcome is not news: a run that
 * changed nothing (a re-run finding the revision already aborted, still paused, unchanged) stays
 * silent, so one outcome is one message however often the job re-runs.
 */
export function notificationFor(report: RolloutReport): Notification | undefined {
  const event = eventOf(report);
  if (!event) return undefined;
  const env = report.environment;
  const base = `dagger call environment --name ${env}`;
  const open = event === "waiting" || event === "stuck";
  const commands = { ...(open ? { promote: `${base} promote`, abort: `${base} abort` } : {}), status: `${base} status` };
  const last = report.measurements.at(-1);
  const checks = last ? [...last.checks].sort((a, b) => Number(a.ok) - Number(b.ok)) : [];
  const title = `${report.service} in ${env}: ${report.strategy} ${TITLE[event]}`;
  const change = report.previousImage && report.previousImage !== report.image ? `${report.image} replacing ${report.previousImage}` : report.image;
  const lines = [
    title,
    `Change: ${change} (revision ${report.revision}, namespace ${report.namespace})`,
    `Verdict: ${report.verdict}: ${report.reason}`,
    ...(checks.length > 0 ? [`Measured (step ${last!.step}, ${last!.track}):`, ...checks.map(checkLine)] : []),
    ...(commands.promote ? [`Promote: ${commands.promote}`] : []),
    ...(commands.abort ? [`Abort: ${commands.abort}`] : []),
    `Status: ${commands.status}`,
  ];
  return {
    event,
    service: report.service,
    environment: env,
    namespace: report.namespace,
    revision: report.revision,
    image: report.image,
    ...(report.previousImage ? { previousImage: report.previousImage } : {}),
    verdict: report.verdict,
    reason: report.reason,
    checks,
    commands,
    title,
    text: lines.join("\n"),
    at: report.finishedAt,
  };
}

/** "FAIL error rate: 20.00% is over the limit 0.01 (limit <= 0.01)". */
export function checkLine(c: Check): string {
  const mark = c.ok ? "pass" : c.kind === "inconclusive" ? "INCONCLUSIVE" : c.kind === "error" ? "ERROR" : "FAIL";
  return `- ${mark} ${c.name}: ${c.detail} (limit ${c.expected})`;
}

function eventOf(r: RolloutReport): NotificationEvent | undefined {
  if (r.stuck) return "stuck";
  if (r.actions.length === 0) return undefined;
  if (r.verdict === "promoted") return "promoted";
  if (r.verdict === "aborted") return "aborted";
  if (r.verdict === "paused") return "waiting";
  return undefined;
}
