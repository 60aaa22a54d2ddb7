// Clients that hang up mid-body or stall are not internal errors: on a real server (debug
// logs on), 40 aborted bodies leave at most one debug line each and no "unhandled error"
// or stack; a client that never finishes its headers or its body is dropped by Node's
// server timeouts (HTTP_HEADERS_TIMEOUT_MS, HTTP_REQUEST_TIMEOUT_MS). Needs a production build.
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "@/lib/testing/server";
import { waitFor } from "@/lib/testing/wait";

let server: RunningServer;

beforeAll(async () => {
  server = await startServer({
    env: {
      SWEEP_INTERVAL_MS: "60000",
      DB_POOL_SIZE: "3",
      LOG_LEVEL: "debug",
      HTTP_HEADERS_TIMEOUT_MS: "1000",
      HTTP_REQUEST_TIMEOUT_MS: "2000",
    },
  });
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

/** Opens a connection, writes `text`, and resolves with what the server sent once it closes the connection. */
function stall(text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(server.port, "127.0.0.1", () => socket.write(text));
    let got = "";
    socket.on("data", (d) => (got += d));
    socket.on("error", (e) => ((e as NodeJS.ErrnoException).code === "ECONNRESET" ? undefined : reject(e)));
    socket.on("close", () => resolve(got));
  });
}

/** Sends the headers and part of the body, then hangs up once the server has read the headers. */
function abortMidBody(): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect(server.port, "127.0.0.1", () => {
      socket.write(
        `POST /api/orchestration/register HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"skills":["x"],"name":"`,
      );
      socket.write("y".repeat(2000), () => setTimeout(() => socket.destroy(), 50));
    });
    socket.on("error", () => undefined);
    socket.on("close", () => resolve());
  });
}

describe("clients that hang up or stall", () => {
  it("40 bodies aborted mid-way log at most one debug line each, and no error or stack", async () => {
    const start = server.output().length;
    await Promise.all(Array.from({ length: 40 }, () => abortMidBody()));
    // The server is fine afterwards, and its log has caught up.
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
    await waitFor(() => server.output().slice(start).includes('"path":"/api/health"'), { what: "the health request's log line" });
    const lines = server
      .output()
      .slice(start)
      .split("\n")
      .filter((l) => l.trim() !== "");
    const aborted = lines.filter((l) => /abort|ECONNRESET|aborted/i.test(l));
    expect(aborted.length).toBeLessThanOrEqual(40);
    for (const line of aborted) expect(JSON.parse(line).level).toBe("debug");
    const text = lines.join("\n");
    expect(text).not.toContain("unhandled error");
    expect(text).not.toMatch(/\n\s+at /);
    expect(text).not.toContain('"level":"error"');
  });

  it("a client that never finishes its headers is dropped", async () => {
    const got = await stall(`GET /api/health HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nX-Slow: `);
    expect(got === "" || got.startsWith("HTTP/1.1 408")).toBe(true);
  });

  it("a client that never finishes its body is dropped", async () => {
    const got = await stall(
      `POST /api/orchestration/register HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"skills":`,
    );
    expect(got === "" || /^HTTP\/1\.1 (408|400)/.test(got)).toBe(true);
    expect(server.output()).not.toContain("unhandled error");
  });
});
