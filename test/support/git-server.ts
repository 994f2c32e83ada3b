// A real git server on loopback for the GitOps tests: git's own `git http-backend` (smart HTTP,
// clone and push) behind a Node HTTP server that asks for a token by basic auth, as a hosted git
// service does. Bare repositories in a temporary directory, an ephemeral port.
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { runArgv } from "./run.js";

const HTTP_BACKEND = "/usr/lib/git-core/git-http-backend";
const IDENTITY = {
  GIT_AUTHOR_NAME: "seed",
  GIT_AUTHOR_EMAIL: "seed@example.com",
  GIT_COMMITTER_NAME: "seed",
  GIT_COMMITTER_EMAIL: "seed@example.com",
  GIT_AUTHOR_DATE: "1700000000 +0000",
  GIT_COMMITTER_DATE: "1700000000 +0000",
};

export interface GitServer {
  /** http://127.0.0.1:<port>/<name>.git */
  url(name: string): string;
  /** A bare repository `name` whose branch `branch` holds `files` (one seed commit). */
  repository(name: string, branch: string, files: Record<string, string>): Promise<string>;
  /** `git <args>` in the bare repository, as the server sees it. */
  git(name: string, ...args: string[]): Promise<string>;
  /** Requests refused for a wrong or missing token. */
  refused: number;
  stop(): Promise<void>;
}

export async function git(cwd: string, ...args: string[]): Promise<string> {
  const ran = await runArgv(["git", "-c", "init.defaultBranch=main", "-c", "safe.directory=*", ...args], { cwd, env: IDENTITY });
  if (ran.status !== 0) throw new Error(`git ${args.join(" ")}: ${ran.stderr}`);
  return ran.stdout.trim();
}

/** Starts the server; every request must carry basic auth with `token` as the password. */
export async function startGitServer(token: string): Promise<GitServer> {
  const root = mkdtempSync(join(tmpdir(), "gantry-git-server-"));
  const state = { refused: 0 };
  const server: Server = createServer((req, res) => {
    const auth = req.headers.authorization ?? "";
    const [user, password] = auth.startsWith("Basic ") ? Buffer.from(auth.slice(6), "base64").toString().split(":") : [];
    if (!user || password !== token) {
      state.refused++;
      res.writeHead(401, { "WWW-Authenticate": 'Basic realm="git"' }).end();
      return;
    }
    const url = new URL(req.url ?? "/", "http://localhost");
    const cgi = spawn(HTTP_BACKEND, [], {
      env: {
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: "1",
        REMOTE_USER: user,
        REQUEST_METHOD: req.method ?? "GET",
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: req.headers["content-type"] ?? "",
        ...(req.headers["content-encoding"] ? { HTTP_CONTENT_ENCODING: req.headers["content-encoding"] } : {}),
        ...(req.headers["git-protocol"] ? { GIT_PROTOCOL: String(req.headers["git-protocol"]) } : {}),
      },
    });
    req.pipe(cgi.stdin);
    const chunks: Buffer[] = [];
    cgi.stdout.on("data", (c: Buffer) => chunks.push(c));
    cgi.on("close", () => {
      const out = Buffer.concat(chunks);
      const end = out.indexOf("\r\n\r\n");
      const headerEnd = end >= 0 ? end : out.indexOf("\n\n");
      const headerText = out.subarray(0, headerEnd).toString();
      const body = out.subarray(headerEnd + (end >= 0 ? 4 : 2));
      const headers: Record<string, string> = {};
      let status = 200;
      for (const line of headerText.split(/\r?\n/)) {
        const i = line.indexOf(":");
        if (i < 0) continue;
        const [k, v] = [line.slice(0, i).trim(), line.slice(i + 1).trim()];
        if (k.toLowerCase() === "status") status = Number.parseInt(v, 10);
        else headers[k] = v;
      }
      res.writeHead(status, headers).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: (name) => `http://127.0.0.1:${port}/${name}.git`,
    async repository(name, branch, files) {
      const bare = join(root, `${name}.git`);
      await git(root, "init", "--quiet", "--bare", bare);
      const work = mkdtempSync(join(tmpdir(), "gantry-git-seed-"));
      await git(work, "init", "--quiet", "--initial-branch", branch);
      for (const [path, text] of Object.entries(files)) {
        await runArgv(["mkdir", "-p", join(work, path, "..")], { cwd: work });
        writeFileSync(join(work, path), text);
      }
      await git(work, "add", "--all");
      await git(work, "commit", "--quiet", "--allow-empty", "-m", "seed");
      await git(work, "push", "--quiet", bare, `HEAD:refs/heads/${branch}`);
      return bare;
    },
    git: (name, ...args) => git(join(root, `${name}.git`), ...args),
    get refused() {
      return state.refused;
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
