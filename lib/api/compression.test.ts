// Agents' reports are answered uncompressed; pages and large reads stay gzipped; an API
// answer leaves in one write (lib/api/compression.ts).
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "@/lib/testing/server";

let server: RunningServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.stop();
});

async function post(path: string, body: unknown, token?: string): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "accept-encoding": "gzip", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
}

describe("compression", () => {
  it("a heartbeat's answer is not gzipped, a register's and the API document are", async () => {
    const registered = await post("/api/orchestration/register", { skills: ["gz"] });
    expect(registered.status).toBe(201);
    expect(registered.headers.get("content-encoding")).toBe("gzip");
    const agent = (await registered.json()) as { agent_id: string; token: string };
    const beat = await post("/api/orchestration/heartbeat", { agent_id: agent.agent_id }, agent.token);
    expect(beat.status).toBe(200);
    expect(beat.headers.get("content-encoding")).toBeNull();
    expect(await beat.json()).toMatchObject({ status: expect.any(String) });
    const doc = await fetch(`${server.url}/api/openapi.json`, { headers: { "accept-encoding": "gzip" } });
    expect(doc.headers.get("content-encoding")).toBe("gzip");
  });
});

/** Sends one raw HTTP/1.1 request; answers the pieces the answer arrived in, as this socket read them. */
async function rawPieces(request: string, done: (received: string) => boolean): Promise<string[]> {
  const url = new URL(server.url);
  const socket = connect(Number(url.port), url.hostname);
  const pieces: string[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.on("data", (data: Buffer) => {
        pieces.push(data.toString("latin1"));
        if (done(pieces.join(""))) resolve();
      });
      socket.write(request);
    });
  } finally {
    socket.destroy();
  }
  return pieces;
}

describe("API answers", () => {
  it("leave in one write: headers, the gzip stream and the chunked end arrive as one piece", async () => {
    const body = JSON.stringify({ skills: ["one-write"] });
    const url = new URL(server.url);
    const pieces = await rawPieces(
      `POST /api/orchestration/register HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\n` +
        `Accept-Encoding: gzip\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      (received) => received.endsWith("\r\n0\r\n\r\n"),
    );
    expect(pieces[0]).toMatch(/^HTTP\/1\.1 201 /);
    expect(pieces[0]).toMatch(/content-encoding: gzip/i);
    expect(pieces).toHaveLength(1);
  });

  it("larger than the socket's buffer still arrive whole (the writer's wait for `drain` uncorks it)", async () => {
    const doc = await fetch(`${server.url}/api/openapi.json`);
    const text = await doc.text();
    expect(Buffer.byteLength(text)).toBeGreaterThan(64 * 1024);
    expect(JSON.parse(text)).toMatchObject({ openapi: expect.any(String) });
  });
});
