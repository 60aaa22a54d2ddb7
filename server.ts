// Switchyard's one process: Next.js (pages and API) and socket.io on one port, the
// database (an embedded one when DATABASE_URL is unset), migrations and the sweeper.
import { createServer } from "node:http";
import next from "next";
import { env, resetEnv } from "@/lib/env";
import { startEmbeddedDatabase, type EmbeddedDatabase } from "@/lib/db/embedded";
import { migrateDatabase } from "@/lib/db/migrate";
import { disconnectDb } from "@/lib/db";
import { startSweeper } from "@/lib/orchestration/sweeper";
import { attachRealtime } from "@/lib/realtime/server";
import { checkRequest, refusalBody } from "@/lib/auth/request-guard";

async function main() {
  process.env.NEXT_TELEMETRY_DISABLED = "1";
  let config = env();
  let embedded: EmbeddedDatabase | undefined;
  if (!config.DATABASE_URL) {
    embedded = await startEmbeddedDatabase(config.SWITCHYARD_DATA_DIR);
    process.env.DATABASE_URL = embedded.url;
    process.env.DB_POOL_SIZE = "1";
    resetEnv();
    config = env();
    console.log(`[switchyard] no DATABASE_URL: using the embedded database in ${config.SWITCHYARD_DATA_DIR}/pglite`);
  }
  const { applied } = await migrateDatabase(config.DATABASE_URL!);
  if (applied.length > 0) console.log(`[switchyard] applied migrations: ${applied.join(", ")}`);

  const dev = config.NODE_ENV !== "production";
  const host = config.HOST ?? (config.SWITCHYARD_OPERATOR_TOKEN ? "0.0.0.0" : "127.0.0.1");
  const app = next({ dev, hostname: host, port: config.PORT });
  await app.prepare();
  const handle = app.getRequestHandler();
  const httpServer = createServer((req, res) => {
    // Pages and API alike: a foreign Host (421) or a cross-origin write (403) never reaches
    // Next. socket.io's handshake runs the same checks (lib/realtime/server.ts allowRequest).
    const refusal = checkRequest(req.method, req.headers);
    if (refusal) {
      res.writeHead(refusal.status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
      res.end(refusalBody(refusal));
      return;
    }
    void handle(req, res);
  });
  const realtime = await attachRealtime(httpServer, { embedded: Boolean(embedded) });
  const stopSweeper = config.SWITCHYARD_DISABLE_SWEEP ? () => undefined : startSweeper(config.SWEEP_INTERVAL_MS);

  await new Promise<void>((resolve) => httpServer.listen(config.PORT, host, resolve));
  const address = httpServer.address();
  const port = typeof address === "object" && address ? address.port : config.PORT;
  console.log(`[switchyard] listening on http://${host === "0.0.0.0" ? "localhost" : host}:${port}`);
  if (!config.SWITCHYARD_OPERATOR_TOKEN) {
    console.log("[switchyard] no SWITCHYARD_OPERATOR_TOKEN: operator endpoints are open, so listening on loopback only");
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[switchyard] ${signal}: shutting down`);
    stopSweeper();
    // Stop accepting first, then end every open connection: agents polling over keep-alive
    // reuse theirs more often than the keep-alive timeout, so waiting for them to go idle
    // (which socket.io's close does) could wait forever.
    const httpClosed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
    httpServer.closeAllConnections?.();
    await realtime.close();
    await httpClosed;
    await disconnectDb();
    await embedded?.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}

main().catch((error) => {
  console.error("[switchyard] failed to start:", error);
  process.exit(1);
});
