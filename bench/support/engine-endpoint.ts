// SIMULATION of the Dagger engine's GraphQL endpoint for one function call, for the per-call
// benchmark: a plain HTTP server on loopback that the SDK reaches through DAGGER_SESSION_PORT and
// DAGGER_SESSION_TOKEN exactly as in a runtime container. It answers the questions the SDK's
// entrypoint asks before a call (the module's name, the call's parent, name, parent state and
// arguments) from the call it is given, and records the time of every request. The first request
// that is not one of those is the function's own first API request: the simulation notes the time
// and the CPU the call's processes have used so far, and answers it with an error (nothing runs).
// It also accepts OTLP trace exports, which the engine collects from every container.
import { readdirSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** The call the engine would make: parentName "" is not served (module registration). */
export interface SimulatedCall {
  module: string;
  parentName: string;
  name: string;
  /** The parent object's state, as the engine stores it (JSON). */
  parent: Record<string, unknown>;
  /** Arguments given, by name, as JSON values (an object argument is its ID string). */
  args: Record<string, unknown>;
}

/** One request, in order: what it asked and when, in ms since the call's process started. */
export interface Request {
  at: number;
  /** CPU of the call's process tree when the request arrived, in ms. */
  cpuMs: number;
  query: string;
  /** The entrypoint's own question, or undefined for the function's own request. */
  answered?: string;
}

/** What the function's first API request found. */
export interface FirstRequest {
  at: number;
  /** CPU time (user + system) of the call's process tree at that moment, in ms. */
  cpuMs: number;
  query: string;
  /** The call failed before: the SDK reported this error (dag.error) instead of running the function. */
  failed?: string;
}

const CLOCK_TICKS_PER_MS = 100 / 1000; // USER_HZ is 100 on Linux

/** User + system CPU of a process and every descendant still alive, from /proc. */
export function processTreeCpuMs(pid: number): number {
  let ticks = 0;
  const visit = (p: number): void => {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${p}/stat`, "utf8");
    } catch {
      return;
    }
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    ticks += Number(fields[11]) + Number(fields[12]);
    for (const tid of readdirSync(`/proc/${p}/task`)) {
      for (const child of readFileSync(`/proc/${p}/task/${tid}/children`, "utf8").split(" ").filter(Boolean)) visit(Number(child));
    }
  };
  visit(pid);
  return ticks / CLOCK_TICKS_PER_MS;
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** The entrypoint's questions, as the SDK's query builder writes them, with the answer to each. */
function entrypointAnswer(query: string, call: SimulatedCall): { label: string; data: unknown } | undefined {
  const q = query.replace(/\s+/g, " ");
  const argNames = Object.keys(call.args);
  if (/^\{ currentModule \{ name \} \}$/.test(q)) return { label: "currentModule.name", data: { currentModule: { name: call.module } } };
  const field = /^\{ currentFunctionCall \{ (parentName|name|parent) \} \}$/.exec(q)?.[1];
  if (field) {
    const value = field === "parentName" ? call.parentName : field === "name" ? call.name : JSON.stringify(call.parent);
    return { label: `currentFunctionCall.${field}`, data: { currentFunctionCall: { [field]: value } } };
  }
  if (/^\{ currentFunctionCall \{ inputArgs \{ id \} \} \}$/.test(q)) {
    return { label: "currentFunctionCall.inputArgs", data: { currentFunctionCall: { inputArgs: argNames.map((_, i) => ({ id: `sim-arg-${i}` })) } } };
  }
  const arg = /^\{ node \(id: "sim-arg-(\d+)"\) \{ \.\.\. on FunctionCallArgValue \{ (name|value) \} \} \}$/.exec(q);
  if (arg) {
    const name = argNames[Number(arg[1])]!;
    return { label: `arg.${arg[2]}`, data: { node: { [arg[2]!]: arg[2] === "name" ? name : JSON.stringify(call.args[name]) } } };
  }
  return undefined;
}

/** One simulated endpoint; `serve` arms it for the next call. */
export class EngineEndpointSimulation {
  readonly token = "simulated-session-token";
  private server: Server;
  private call?: SimulatedCall;
  private pid = 0;
  private startedAt = 0;
  private firstRequest?: (first: FirstRequest) => void;
  requests: Request[] = [];

  constructor() {
    this.server = createServer((req, res) => void this.handle(req, res.writeHead.bind(res), res.end.bind(res)));
    // The engine keeps the session's connection open however long the SDK takes between requests.
    this.server.keepAliveTimeout = 0;
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return (this.server.address() as AddressInfo).port;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Serves `call` to the process `pid` started at `startedAt` (performance.now()); resolves at the function's first request. */
  serve(call: SimulatedCall, pid: number, startedAt: number): Promise<FirstRequest> {
    this.call = call;
    this.pid = pid;
    this.startedAt = startedAt;
    this.requests = [];
    return new Promise((resolve) => (this.firstRequest = resolve));
  }

  private async handle(
    req: IncomingMessage,
    head: (status: number, headers: Record<string, string>) => unknown,
    end: (body?: string) => unknown,
  ): Promise<void> {
    const text = await body(req);
    if (req.url?.startsWith("/v1/")) return void (head(200, { "content-type": "application/x-protobuf" }), end());
    const expected = "Basic " + Buffer.from(`${this.token}:`).toString("base64");
    if (req.url !== "/query" || req.headers.authorization !== expected || !this.call) return void (head(401, {}), end("unauthorized"));
    const at = performance.now() - this.startedAt;
    const { query } = JSON.parse(text) as { query: string };
    const answer = entrypointAnswer(query.trim(), this.call);
    const cpuMs = processTreeCpuMs(this.pid);
    this.requests.push({ at, cpuMs, query: query.trim(), answered: answer?.label });
    head(200, { "content-type": "application/json" });
    if (answer) return void end(JSON.stringify({ data: answer.data }));
    if (this.firstRequest) {
      // The entrypoint reports a failure to load or invoke as dag.error(message) before returnError.
      const failed = /^\{ error \(message: (".*")\)/s.exec(query.trim())?.[1];
      this.firstRequest({ at, cpuMs, query: query.trim(), failed: failed && (JSON.parse(failed) as string) });
      this.firstRequest = undefined;
    }
    end(JSON.stringify({ data: null, errors: [{ message: "simulation: the benchmark ends the call at the function's first API request" }] }));
  }
}
