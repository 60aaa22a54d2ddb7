// Agents' reports are answered uncompressed; pages and large reads stay gzipped (lib/api/compression.ts).
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
