// Guessing is throttled per client address, on a real server: after a handful of failed
// operator tokens, sign-ins, agent tokens or registration tokens, that address gets 429
// with Retry-After before any token is compared (so even the right token waits), while
// other addresses are unaffected. Each case calls from its own loopback address
// (127.0.0.x). An operator token under 32 characters stops the server at start-up.
// Needs a production build.
import { request } from "node:http";
import { io } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "@/lib/testing/server";

const TOKEN = "auth-throttle-operator-token-0123456789";
const REGISTRATION = "auth-throttle-registration-token-0123";
let server: RunningServer;

beforeAll(async () => {
  server = await startServer({
    env: {
      SWITCHYARD_OPERATOR_TOKEN: TOKEN,
      SWITCHYARD_REGISTRATION_TOKEN: REGISTRATION,
      AUTH_FAILURE_BURST: "5",
      AUTH_FAILURE_PER_MIN: "6",
      SWEEP_INTERVAL_MS: "60000",
      DB_POOL_SIZE: "3",
    },
  });
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

function call(
  from: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: unknown,
): Promise<{ status: number; retryAfter?: string; body: any }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      {
        host: "127.0.0.1",
        port: server.port,
        localAddress: from,
        method,
        path,
        headers: { ...(payload ? { "content-type": "application/json" } : {}), ...headers },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d) => (text += d));
        res.on("end", () =>
          resolve({
            status: res.statusCode!,
            retryAfter: res.headers["retry-after"] as string | undefined,
            body: text ? JSON.parse(text) : undefined,
          }),
        );
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

async function guess(times: number, attempt: (i: number) => Promise<{ status: number; retryAfter?: string }>) {
  const statuses: number[] = [];
  let retryAfter: string | undefined;
  for (let i = 0; i < times; i++) {
    const res = await attempt(i);
    statuses.push(res.status);
    if (res.status === 429) retryAfter ??= res.retryAfter;
  }
  return { statuses, retryAfter };
}

describe("failed authentication per client address", () => {
  it("wrong operator tokens: 401 a handful of times, then 429 with Retry-After, even for the right token; other addresses unaffected", async () => {
    const { statuses, retryAfter } = await guess(40, (i) =>
      call("127.0.0.11", "GET", "/api/goals", { authorization: `Bearer wrong-operator-token-guess-${i}-xxxxxxxxxx` }),
    );
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual(Array(35).fill(429));
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    const right = await call("127.0.0.11", "GET", "/api/goals", { authorization: `Bearer ${TOKEN}` });
    expect(right.status).toBe(429);
    expect(right.body).toMatchObject({ error: { code: "rate_limited" } });
    expect((await call("127.0.0.12", "GET", "/api/goals", { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    // Without credentials nothing is guessed: a plain 401, not counted.
    expect((await call("127.0.0.13", "GET", "/api/goals")).status).toBe(401);
  });

  it("sign-in guessing gets 429 after a handful of tries", async () => {
    const { statuses, retryAfter } = await guess(20, (i) =>
      call("127.0.0.21", "POST", "/api/session", {}, { token: `wrong-sign-in-${i}` }),
    );
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual(Array(15).fill(429));
    expect(retryAfter).toMatch(/^\d+$/);
    expect((await call("127.0.0.21", "POST", "/api/session", {}, { token: TOKEN })).status).toBe(429);
    expect((await call("127.0.0.22", "POST", "/api/session", {}, { token: TOKEN })).status).toBe(200);
  });

  it("agent secrets and registration tokens are throttled the same way", async () => {
    const registered = await call(
      "127.0.0.31",
      "POST",
      "/api/orchestration/register",
      { authorization: `Bearer ${REGISTRATION}` },
      { skills: ["x"] },
    );
    expect(registered.status).toBe(201);
    const agentId = registered.body.agent_id as string;
    const agents = await guess(12, (i) =>
      call(
        "127.0.0.32",
        "POST",
        "/api/orchestration/heartbeat",
        { authorization: `Bearer ${agentId}.guessed-secret-${i}` },
        { agent_id: agentId },
      ),
    );
    expect(agents.statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(agents.statuses.slice(5)).toEqual(Array(7).fill(429));
    const registrations = await guess(8, (i) =>
      call("127.0.0.33", "POST", "/api/orchestration/register", { authorization: `Bearer wrong-registration-${i}` }, { skills: ["x"] }),
    );
    expect(registrations.statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    // The real agent, from its own address, is unaffected.
    expect(
      (
        await call(
          "127.0.0.31",
          "POST",
          "/api/orchestration/heartbeat",
          { authorization: `Bearer ${registered.body.token}` },
          { agent_id: agentId },
        )
      ).status,
    ).toBe(200);
  });
});

describe("the socket.io handshake", () => {
  it("wrong tokens in the handshake count too: after a handful, even the right token is refused", async () => {
    const connect = (token: string) =>
      new Promise<string>((resolve) => {
        const socket = io(server.url, { transports: ["websocket"], reconnection: false, auth: { token } });
        socket.on("connect", () => {
          socket.disconnect();
          resolve("connected");
        });
        socket.on("connect_error", (error) => {
          socket.disconnect();
          resolve(error.message);
        });
      });
    expect(await connect(TOKEN)).toBe("connected");
    const results: string[] = [];
    for (let i = 0; i < 7; i++) results.push(await connect(`wrong-handshake-token-${i}`));
    expect(results.slice(0, 5).every((r) => r.startsWith("unauthorized"))).toBe(true);
    expect(results.slice(5).every((r) => r.startsWith("rate_limited"))).toBe(true);
    expect(await connect(TOKEN)).toMatch(/^rate_limited/);
  });
});

describe("operator token length", () => {
  it("a token shorter than 32 characters stops the server at start-up with a clear message", async () => {
    await expect(
      startServer({ env: { SWITCHYARD_OPERATOR_TOKEN: "sixteen-chars-ok", SWEEP_INTERVAL_MS: "60000" }, timeoutMs: 60_000 }),
    ).rejects.toThrow(/SWITCHYARD_OPERATOR_TOKEN: must be at least 32 characters/);
  });
});
