// Prometheus' own duration grammar (prometheus/common model.ParseDuration): units largest first,
// each at most once, whole numbers only: 1m, 90s, 1h30m, 2w. "0" parses but a range selector refuses
// it ("duration must be greater than 0"), and the total must fit Go's time.Duration (int64 ns).
const PROM_DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const UNIT_MS = [365n * 86_400_000n, 7n * 86_400_000n, 86_400_000n, 3_600_000n, 60_000n, 1000n, 1n];
const MAX_NS = 2n ** 63n - 1n;

/** Why Prometheus would refuse `text` as a range selector's duration, or undefined when it accepts it. */
export function promDurationProblem(text: string): string | undefined {
  if (text === "0") return "must be greater than 0: Prometheus refuses a zero range (bad_data: duration must be greater than 0)";
  const m = PROM_DURATION.exec(text);
  if (!m || text === "")
    return `"${text}" is not a Prometheus duration: a whole number per unit, largest unit first (y, w, d, h, m, s, ms), e.g. 1m, 90s or 1h30m`;
  const ms = m.slice(1).reduce((sum, part, i) => sum + (part === undefined ? 0n : BigInt(part) * UNIT_MS[i]!), 0n);
  if (ms === 0n) return "must be greater than 0: Prometheus refuses a zero range (bad_data: duration must be greater than 0)";
  if (ms * 1_000_000n > MAX_NS) return "is out of range: Prometheus durations are at most about 292 years";
  return undefined;
}
