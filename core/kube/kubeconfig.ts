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
  /** 127.0.0.0/8, ::1 or localhost: the caller's own machine. */
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
  const context = (config.contexts ?? []).find((c) => c?.name === contextName) as { context?: { cluster?: string; user?: string } } | undefined;
  if (!context?.context?.cluster) throw new FileError(FILE, `context "${contextName}" is not defined or names no cluster`, undefined, "contexts");
  const entry = (config.clusters ?? []).find((c) => c?.name === context.context!.cluster) as { cluster?: Record<string, unknown> } | undefined;
  if (!entry?.cluster || typeof entry.cluster.server !== "string") throw new FileError(FILE, `cluster "${context.context.cluster}" is not defined or has no server`, undefined, "clusters");
  const userName = context.context.user;
  const users = (config["users"] ?? []) as Named<unknown>[];
  const user = userName === undefined ? undefined : ((users.find((u) => u?.name === userName) as { user?: Record<string, unknown> } | undefined)?.user ?? undefined);
  return { doc: config, cluster: entry.cluster, user };
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
  const loopback = host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
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
