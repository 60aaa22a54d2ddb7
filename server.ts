// Switchyard's one process: Next.js (pages and API) and socket.io on one port, the
// database (an embedded one when DATABASE_URL is unset), migrations and the sweeper.
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import next from "next";
import { env, resetEnv } from "@/lib/env";
import { startEmbeddedDatabase, type EmbeddedDatabase } from "@/lib/db/embedded";
import { migrateDatabase } from "@/lib/db/migrate";
import { disconnectDb } from "@/lib/db";
import { startSweeper } from "@/lib/orchestration/sweeper";
import { startWebhookDispatcher } from "@/lib/webhooks/dispatcher";
import { attachRealtime } from "@/lib/realtime/server";
import { checkRequest, refusalBody } from "@/lib/auth/request-guard";
import { CLIENT_ADDRESS_HEADER } from "@/lib/auth/auth-throttle";
import { answerInOneWrite, skipCompressionOfShortAnswers } from "@/lib/api/compression";
import { errorFields, logger, REQUEST_ID_HEADER, requestIdFrom } from "@/lib/log";

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
    logger().info(`no DATABASE_URL: using the embedded database in ${config.SWITCHYARD_DATA_DIR}/pglite`);
  }
  const { applied } = await migrateDatabase(config.DATABASE_URL!);
  if (applied.length > 0) logger().info({ migrations: applied }, `applied migrations: ${applied.join(", ")}`);

  const dev = config.NODE_ENV !== "production";
  const host = config.HOST ?? (config.SWITCHYARD_OPERATOR_TOKEN ? "0.0.0.0" : "127.0.0.1");
  const app = next({ dev, hostname: host, port: config.PORT });
  await app.prepare();
  const handle = app.getRequestHandler();
  // Requests being handled (socket.io's own are not counted: engine.io takes those first),
  // so a shutdown can let them finish.
  let inFlight = 0;
  let stopping = false;
  let onIdle: (() => void) | undefined;
  const httpServer = createServer({ connectionsCheckingInterval: Math.min(1000, config.HTTP_HEADERS_TIMEOUT_MS) }, (req, res) => {
    const requestId = requestIdFrom(req.headers[REQUEST_ID_HEADER], randomUUID);
    req.headers[REQUEST_ID_HEADER] = requestId;
    // The TCP peer, for throttling failed authentication (never what the client claims).
    req.headers[CLIENT_ADDRESS_HEADER] = req.socket.remoteAddress ?? "unknown";
    res.setHeader(REQUEST_ID_HEADER, requestId);
    inFlight++;
    res.once("close", () => {
      inFlight--;
      if (inFlight === 0) onIdle?.();
    });
    if (stopping) res.setHeader("connection", "close");
    if (logger().isLevelEnabled("debug")) {
      const started = process.hrtime.bigint();
      res.once("finish", () =>
        logger().debug(
          {
            req_id: requestId,
            method: req.method,
            path: req.url?.split("?")[0],
            status: res.statusCode,
            ms: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
          },
          "request",
        ),
      );
    }
    // Pages and API alike: a foreign Host (421) or a cross-origin write (403) never reaches
    // Next. socket.io's handshake runs the same checks (lib/realtime/server.ts allowRequest).
    const refusal = checkRequest(req.method, req.headers);
    if (refusal) {
      logger().info(
        {
          req_id: requestId,
          method: req.method,
          path: req.url?.split("?")[0],
          status: refusal.status,
          host: req.headers.host,
          origin: req.headers.origin,
        },
        `refused: ${refusal.message}`,
      );
      res.writeHead(refusal.status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
      res.end(refusalBody(refusal));
      return;
    }
    skipCompressionOfShortAnswers(req.method, req.url, req.headers);
    answerInOneWrite(req.url, res);
    void handle(req, res);
  });
  // Slow or stalled clients are dropped: the headers within HTTP_HEADERS_TIMEOUT_MS, the
  // whole request within HTTP_REQUEST_TIMEOUT_MS, an idle keep-alive connection after
  // HTTP_KEEP_ALIVE_TIMEOUT_MS.
  httpServer.headersTimeout = config.HTTP_HEADERS_TIMEOUT_MS;
  httpServer.requestTimeout = config.HTTP_REQUEST_TIMEOUT_MS;
  httpServer.keepAliveTimeout = config.HTTP_KEEP_ALIVE_TIMEOUT_MS;
  // A client that hangs up or sends garbage is not our error: one debug line, no stack.
  httpServer.on("clientError", (error: NodeJS.ErrnoException, socket) => {
    logger().debug({ err: { code: error.code, message: error.message } }, "client connection error");
    if (socket.writable && error.code !== "ECONNRESET") {
      const status =
        error.code === "ERR_HTTP_REQUEST_TIMEOUT"
          ? "408 Request Timeout"
          : error.code === "HPE_HEADER_OVERFLOW"
            ? "431 Request Header Fields Too Large"
            : "400 Bad Request";
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    }
    socket.destroy();
  });
  const realtime = await attachRealtime(httpServer, { embedded: Boolean(embedded) });
  const stopSweeper = config.SWITCHYARD_DISABLE_SWEEP ? () => undefined : startSweeper(config.SWEEP_INTERVAL_MS);
  const stopWebhooks = config.SWITCHYARD_DISABLE_WEBHOOKS ? () => undefined : startWebhookDispatcher(config.WEBHOOK_POLL_MS);

  await new Promise<void>((resolve) => httpServer.listen(config.PORT, host, resolve));
  const address = httpServer.address();
  const port = typeof address === "object" && address ? address.port : config.PORT;
  logger().info({ host, port }, `listening on http://${host === "0.0.0.0" ? "localhost" : host}:${port}`);
  if (!config.SWITCHYARD_OPERATOR_TOKEN) {
    logger().warn("no SWITCHYARD_OPERATOR_TOKEN: operator endpoints are open, so listening on loopback only");
  }

  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger().info(
      { in_flight: inFlight, grace_ms: config.SHUTDOWN_GRACE_MS },
      `${signal}: shutting down, draining ${inFlight} in-flight request(s)`,
    );
    stopSweeper();
    stopWebhooks();
    // Stop accepting, close idle keep-alive connections, let in-flight requests finish
    // (their responses say connection: close) within the grace period, then end every
    // connection still open: agents polling over keep-alive reuse theirs more often than
    // the keep-alive timeout, so waiting for them to go idle could wait forever.
    const httpClosed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
    httpServer.closeIdleConnections?.();
    if (inFlight > 0) {
      await new Promise<void>((resolve) => {
        onIdle = resolve;
        setTimeout(resolve, config.SHUTDOWN_GRACE_MS).unref();
      });
    }
    logger().info({ cut: inFlight }, `drained (${inFlight} request(s) cut)`);
    httpServer.closeAllConnections?.();
    // Stops the relay: its cursor is saved and its session ends, releasing the relay lock.
    await realtime.close();
    logger().info("relay stopped, relay lock released");
    await httpClosed;
    await disconnectDb();
    await embedded?.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}

main().catch((error) => {
  try {
    logger().fatal(errorFields(error, { stack: true }), `failed to start: ${error instanceof Error ? error.message : String(error)}`);
  } catch {
    console.error("[switchyard] failed to start:", error); // the environment itself is invalid
  }
  process.exit(1);
});
