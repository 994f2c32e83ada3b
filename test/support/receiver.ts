// A webhook receiver on loopback for host tests: a real HTTP server on an ephemeral port that
// records every request (method, path, headers, body) and answers as the test says.
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Receiver {
  /** http://127.0.0.1:<port> */
  url: string;
  requests: Received[];
  stop(): Promise<void>;
}

/** `answer` gives the status and body for each request; "hang" never answers (until stop). */
export async function startReceiver(
  answer: (r: Received) => { status: number; body?: string } | "hang" = () => ({ status: 200, body: "ok" }),
): Promise<Receiver> {
  const requests: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const r: Received = { method: req.method ?? "", path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      requests.push(r);
      const a = answer(r);
      if (a === "hang") return;
      res.writeHead(a.status, { "content-type": "application/json" }).end(a.body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
