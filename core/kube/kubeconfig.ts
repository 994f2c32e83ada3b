// The kubeconfig a deploy is given (as a secret): which API server it points at, and whether a
// container can reach it. A server on the caller's loopback (kind, minikube, k3d, Docker Desktop)
// is not reachable from a container; the caller passes that endpoint as a Dagger service instead,
// and the kubeconfig is rewritten to reach it while still checking the server's certificate name.
import { parse, stringify } from "yaml";

import { FileError, GantryError } from "../errors.js";

interface Named<T> {
  name: string;
  [key: string]: unknown;
  value?: T;
}

interface KubeconfigDoc {
  "current-context"?: string;
  contexts?: Named<unknown>[];
  clusters?: Named<unknown>[];
  [key: string]: unknown;
}

export interface KubeEndpoint {
  /** The server URL the current context's cluster names. */
  server: string;
  host: string;
  port: number;
  /** The caller's own machine (isLoopbackHost). */
  loopback: boolean;
}

const FILE = "kubeconfig";

function read(text: string): { doc: KubeconfigDoc; cluster: Record<string, unknown>; user: Record<string, unknown> | undefined } {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new FileError(FILE, `does not parse as YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) throw new FileError(FILE, "expected a kubeconfig (apiVersion: v1, kind: Config)");
  const config = doc as KubeconfigDoc;
  const contextName = config["current-context"];
  if (!contextName) throw new FileError(FILE, "has no current-context; set one with kubectl config use-context", undefined, "current-context");
  const context = namedList(config, "contexts").find((c) => c?.name === contextName) as { context?: { cluster?: string; user?: string } } | undefined;
  if (!context?.context?.cluster) throw new FileError(FILE, `context "${contextName}" is not defined or names no cluster`, undefined, "contexts");
  const entry = namedList(config, "clusters").find((c) => c?.name === context.context!.cluster) as { cluster?: Record<string, unknown> } | undefined;
  if (!entry?.cluster || typeof entry.cluster.server !== "string")
    throw new FileError(FILE, `cluster "${context.context.cluster}" is not defined or has no server`, undefined, "clusters");
  const userName = context.context.user;
  const users = namedList(config, "users");
  const user =
    userName === undefined ? undefined : ((users.find((u) => u?.name === userName) as { user?: Record<string, unknown> } | undefined)?.user ?? undefined);
  return { doc: config, cluster: entry.cluster, user };
}

/** `contexts`, `clusters` or `users`: a list of named entries (absent is empty); anything else is refused by name. */
function namedList(config: KubeconfigDoc, key: "contexts" | "clusters" | "users"): (Named<unknown> | null | undefined)[] {
  const value = config[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    throw new FileError(
      FILE,
      `expected a list of {name, ${key.slice(0, -1)}} entries, found ${typeof value === "object" ? "a mapping" : `a ${typeof value}`}`,
      undefined,
      key,
    );
  }
  return value as (Named<unknown> | null | undefined)[];
}

/**
 * Hosts that are the caller's own machine, however written: localhost (and the root-qualified
 * "localhost.", and *.localhost, RFC 6761), 127.0.0.0/8, 0.0.0.0 (which connects to the local host),
 * ::1, ::, and IPv4-mapped forms of those (the URL parser writes [::ffff:127.0.0.1] as ::ffff:7f00:1).
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "")
    .toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (/^127\.\d+\.\d+\.\d+$/.test(host) || host === "0.0.0.0") return true;
  if (host === "::1" || host === "::") return true;
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
  if (mapped) {
    const high = parseInt(mapped[1]!, 16);
    return high >> 8 === 127 || (high === 0 && parseInt(mapped[2]!, 16) === 0);
  }
  return false;
}

/**
 * The current context's cluster and user entries (`clusters[].cluster`, `users[].user`) as they are
 * written; the user is undefined when the context names none or names one that is not defined.
 */
export function currentCredentials(text: string): { cluster: Record<string, unknown>; user: Record<string, unknown> | undefined } {
  const { cluster, user } = read(text);
  return { cluster, user };
}

export function kubeEndpoint(text: string): KubeEndpoint {
  const { cluster } = read(text);
  const server = cluster.server as string;
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new FileError(FILE, `server "${server}" is not a URL`, undefined, "clusters.cluster.server");
  }
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const port = url.port ? Number(url.port) : url.protocol === "http:" ? 80 : 443;
  const loopback = isLoopbackHost(url.hostname);
  return { server, host, port, loopback };
}

/** Refuses a loopback server unless the caller bound its endpoint as a service, naming the fix. */
export function requireReachable(endpoint: KubeEndpoint, hasServiceBinding: boolean): void {
  if (endpoint.loopback && !hasServiceBinding) {
    throw new GantryError(
      `the kubeconfig's server ${endpoint.server} is on your machine's loopback, which a container cannot reach; ` +
        `pass it as a service: --cluster tcp://localhost:${endpoint.port}`,
    );
  }
}

/**
 * The kubeconfig pointed at a service alias instead of the loopback address, keeping certificate
 * checks: the API server's certificate names 127.0.0.1 or localhost, not the alias.
 */
export function kubeconfigThroughService(text: string, alias: string): string {
  const { doc, cluster } = read(text);
  const endpoint = kubeEndpoint(text);
  const url = new URL(endpoint.server);
  url.hostname = alias;
  cluster.server = url.toString().replace(/\/$/, "");
  if (!cluster["tls-server-name"] && !cluster["insecure-skip-tls-verify"]) cluster["tls-server-name"] = endpoint.host;
  return stringify(doc);
}
