// Starts a real Switchyard server process (server.ts, production build) for tests that
// need the whole stack: HTTP, socket.io, the sweeper. Needs `next build` to have run
// (`npm test` does it first; NEXT_DIST_DIR picks the build folder). The server runs as
// `npm start` runs it: server.ts compiled into dist/server.mjs (built afresh once per
// process, so it is never older than the code under test), with the same node flags.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { buildServer, SERVER_NODE_FLAGS } from "../../bin/build-server";
import { freePort } from "../db/embedded";

let bundle: Promise<string> | undefined;

export { freePort };

export interface RunningServer {
  url: string;
  port: number;
  process: ChildProcess;
  output: () => string;
  /** SIGTERM and wait for exit. */
  stop: () => Promise<void>;
  /** SIGKILL and wait for exit (a crash). */
  kill: () => Promise<void>;
}

export async function startServer(
  options: { databaseUrl?: string; port?: number; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<RunningServer> {
  const port = options.port ?? (await freePort());
  const root = path.resolve(import.meta.dirname, "../..");
  bundle ??= buildServer(root);
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, await bundle], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_URL: options.databaseUrl ?? process.env.DATABASE_URL ?? "",
      NEXT_TELEMETRY_DISABLED: "1",
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout!.on("data", (d) => (log += d));
  child.stderr!.on("data", (d) => (log += d));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${log}`);
    try {
      const res = await fetch(`${url}/api/health`);
      // Read to the end: the answer is then complete on the server too, not a request a
      // test's next step (a SIGTERM's drain, say) still finds in flight.
      await res.arrayBuffer();
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`server did not become healthy:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port,
    process: child,
    output: () => log,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
    kill: async () => {
      if (child.exitCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}
