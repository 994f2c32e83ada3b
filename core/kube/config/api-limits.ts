// What the Kubernetes API server refuses, checked before anything is rendered: the same limits,
// so a pipeline file that loads is one the API server accepts. Each rule names its origin in
// k8s.io/apimachinery or k8s.io/kubernetes validation (and the host test
// test/host/kube-api-limits.test.ts holds each against a real API server's dry-run).

/** Integers of the API (replicas, ports, thresholds, uids) are int32; larger ones come back wrapped. */
export const INT32_MAX = 2_147_483_647;

/** core/validation ValidateConfigMap: a ConfigMap's values together (bytes; keys not counted) may not exceed MaxSecretSize. */
export const CONFIG_MAP_MAX_BYTES = 1024 * 1024;

/**
 * A container's plain env (names and values, bytes). Not an API server rule by itself: the Deployment
 * and its ReplicaSets carry the env, and etcd refuses a request over 1.5 MiB (--max-request-bytes);
 * 1 MiB leaves room for the rest of the object.
 */
export const ENV_MAX_BYTES = 1024 * 1024;

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** UTF-8 bytes, as Go's len() counts them. */
export function byteLength(text: string): number {
  return new TextEncoder().encode(text).length;
}

/** apimachinery IsDNS1123Subdomain: at most 253 characters of dot-separated DNS labels. */
export function isDnsSubdomain(text: string): boolean {
  return text.length >= 1 && text.length <= 253 && text.split(".").every((label) => label.length <= 63 && DNS1123_LABEL.test(label));
}

/** apimachinery IsQualifiedName (a label or annotation key): [prefix/]name, prefix a DNS subdomain, name at most 63. */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf("/");
  const prefix = slash === -1 ? undefined : key.slice(0, slash);
  const name = slash === -1 ? key : key.slice(slash + 1);
  if (prefix !== undefined && !isDnsSubdomain(prefix)) {
    return prefix.length > 253
      ? `the prefix is ${prefix.length} characters; a label key's prefix is a DNS subdomain of at most 253`
      : "the prefix must be a DNS subdomain (lowercase letters, digits, '-' and '.'), e.g. example.com/team";
  }
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME.test(name)) {
    return "expected a label key (prefix/name): the name at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
  }
  return undefined;
}

/**
 * networking/validation: an IP address is not an Ingress host (ParseIPSloppy: four decimal fields,
 * leading zeros allowed, each at most 255). IPv6 cannot pass the DNS-name check anyway.
 */
export function isIpv4(host: string): boolean {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(host);
  return !!m && m.slice(1).every((field) => Number(field) <= 255);
}

const INVALID_PATH_SEQUENCES = ["//", "/./", "/../", "%2f", "%2F"];
const INVALID_PATH_SUFFIXES = ["/..", "/."];

/** networking/validation validateIngressHTTPIngressPath for pathType Prefix (what Gantry renders). */
export function ingressPathProblem(path: string): string | undefined {
  const sequence = INVALID_PATH_SEQUENCES.find((s) => path.includes(s));
  if (sequence) return `must not contain '${sequence}' (the API server refuses it for a Prefix path)`;
  const suffix = INVALID_PATH_SUFFIXES.find((s) => path.endsWith(s));
  if (suffix) return `must not end with '${suffix}' (the API server refuses it for a Prefix path)`;
  return undefined;
}

/** An exact rational (numerator / denominator) so 0.1 and 100m compare equal. */
interface Exact {
  n: bigint;
  d: bigint;
}

const SUFFIX: Record<string, Exact> = {
  "": { n: 1n, d: 1n },
  m: { n: 1n, d: 1000n },
  k: { n: 1000n, d: 1n },
  M: { n: 10n ** 6n, d: 1n },
  G: { n: 10n ** 9n, d: 1n },
  T: { n: 10n ** 12n, d: 1n },
  P: { n: 10n ** 15n, d: 1n },
  E: { n: 10n ** 18n, d: 1n },
  Ki: { n: 2n ** 10n, d: 1n },
  Mi: { n: 2n ** 20n, d: 1n },
  Gi: { n: 2n ** 30n, d: 1n },
  Ti: { n: 2n ** 40n, d: 1n },
  Pi: { n: 2n ** 50n, d: 1n },
  Ei: { n: 2n ** 60n, d: 1n },
};
const QUANTITY = /^(\d+)(?:\.(\d+))?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

/** The exact value of a quantity the schema accepted (digits, optional fraction, one suffix). */
function quantityValue(text: string): Exact | undefined {
  const m = QUANTITY.exec(text);
  if (!m) return undefined;
  const fraction = m[2] ?? "";
  const unit = SUFFIX[m[3] ?? ""]!;
  return { n: BigInt(m[1]! + fraction) * unit.n, d: 10n ** BigInt(fraction.length) * unit.d };
}

/** -1, 0 or 1 as resource.Quantity.Cmp; undefined when either is not a quantity. */
export function compareQuantities(a: string, b: string): number | undefined {
  const x = quantityValue(a);
  const y = quantityValue(b);
  if (!x || !y) return undefined;
  const left = x.n * y.d;
  const right = y.n * x.d;
  return left < right ? -1 : left > right ? 1 : 0;
}
