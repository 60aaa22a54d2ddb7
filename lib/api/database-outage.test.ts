// A database outage on a real server: its PostgreSQL connection goes through a TCP proxy
// that the test cuts (the machine's PostgreSQL stays up for everyone else). While it is
// cut, requests answer 503 {error: {code: "unavailable"}} with Retry-After and the log has
// one line per failure, no stack; once it is back the server recovers by itself.
// Needs a production build (`next build`).
import { Client as McpClient } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { ApiError, SwitchyardClient } from "switchyard-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSwitchyardMcpServer } from "@/lib/mcp/server";
import { startServer, type RunningServer } from "@/lib/testing/server";
import { startTcpProxy, type TcpProxy } from "@/lib/testing/tcp-proxy";
import { waitFor } from "@/lib/testing/wait";

let proxy: TcpProxy;
let server: RunningServer;

beforeAll(async () => {
  const direct = new URL(process.env.DATABASE_URL!);
  proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
  server = await startServer({
    databaseUrl: proxy.url(process.env.DATABASE_URL!),
    env: { SWEEP_INTERVAL_MS: "60000", DB_POOL_SIZE: "3", LOG_LEVEL: "info" },
  });
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await proxy?.close();
});

async function connectMcp(client: SwitchyardClient): Promise<McpClient> {
  const { server: mcpServer } = createSwitchyardMcpServer({ client, autoHeartbeatMs: 0 });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await mcpServer.connect(serverSide);
  const mcp = new McpClient({ name: "outage-test", version: "0" });
  await mcp.connect(clientSide);
  return mcp;
}

const GOAL = { goal: "outage", plan: { tasks: [{ key: "a", name: "A", required_skills: ["shell"] }] } };

describe("a stopped database", () => {
  it("gives 503 unavailable with Retry-After, one log line per failure, and the server recovers by itself", async () => {
    expect((await fetch(`${server.url}/api/goals`)).status).toBe(200);
    await proxy.cut();
    const logBefore = server.output().length;

    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res =
        i % 2 === 0
          ? await fetch(`${server.url}/api/goals`)
          : await fetch(`${server.url}/api/goals`, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: JSON.stringify(GOAL),
            });
      statuses.push(res.status);
      expect(res.headers.get("retry-after")).toMatch(/^\d+$/);
      expect(await res.json()).toEqual({ error: { code: "unavailable", message: expect.any(String) } });
    }
    expect(statuses).toEqual([503, 503, 503, 503, 503, 503]);
    const health = await fetch(`${server.url}/api/health`);
    expect(health.status).toBe(503);

    const failureLines = () =>
      server
        .output()
        .slice(logBefore)
        .split("\n")
        .filter((line) => line.includes('"msg":"database unavailable"'));
    await waitFor(() => failureLines().length >= 7, { what: "the log lines to arrive" });
    const during = server.output().slice(logBefore);
    const failures = failureLines();
    expect(failures.length).toBe(7);
    for (const line of failures)
      expect(JSON.parse(line)).toMatchObject({ level: "warn", req_id: expect.any(String), path: expect.stringMatching(/^\/api\//) });
    expect(during).not.toMatch(/\n\s+at /); // no stack trace
    expect(during).not.toContain("unhandled error");

    // The typed client sees a transient 503 with the server's Retry-After.
    const client = new SwitchyardClient({ baseUrl: server.url });
    const refused = await client.status().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({
      status: 503,
      code: "unavailable",
      isTransient: true,
      isUnavailable: true,
      isSafeToRetry: true,
      retryAfterMs: 2000,
    });

    // The MCP server retries it, then tells the model it is temporary.
    const mcp = await connectMcp(client);
    const failed = (await mcp.callTool({ name: "get_status", arguments: {} })) as { isError?: boolean; content: Array<{ text: string }> };
    expect(failed.isError).toBe(true);
    expect(failed.content[0]!.text).toMatch(/^unavailable \(503\): .*\(temporary: try again in 2 s\)$/);
    // A call that meets the outage and outlives it succeeds without the model noticing.
    const pending = mcp.callTool({ name: "get_status", arguments: {} }) as Promise<{ isError?: boolean; content: Array<{ text: string }> }>;
    await new Promise((r) => setTimeout(r, 300));
    await proxy.restore();
    const recovered = await pending;
    expect(recovered.isError, recovered.content[0]?.text).toBeFalsy();
    await mcp.close();

    await waitFor(async () => (await fetch(`${server.url}/api/goals`)).status === 200, {
      timeoutMs: 30_000,
      what: "the server to recover",
    });
    const created = await fetch(`${server.url}/api/goals`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(GOAL),
    });
    expect(created.status).toBe(201);
    expect(server.output()).not.toContain("uncaughtException");
    expect(server.process.exitCode).toBeNull();
  });
});
