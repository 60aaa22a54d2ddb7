// Operator sign-in, agent token secrecy, per-agent rate limits and text-only rendering,
// in-process against the real handlers and database.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as routes from "@/lib/api/routes";
import { db } from "@/lib/db";
import { resetEnv } from "@/lib/env";
import { hashSecret } from "@/lib/auth/agent-token";
import { isOperatorHandshake, operatorSessionValue } from "@/lib/auth/operator";
import { resetAgentBuckets } from "@/lib/auth/rate-limit";
import { call } from "@/lib/testing/http";

const TOKEN = "security-test-operator-token-42-abcdef";

function withEnv(vars: Record<string, string | undefined>) {
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetEnv();
  resetAgentBuckets();
}

async function register(name: string) {
  const res = await call(routes.register.POST, "POST", "/api/orchestration/register", { body: { skills: ["x"], name } });
  expect(res.status).toBe(201);
  return res.body as { agent_id: string; token: string };
}

describe("operator sign-in", () => {
  beforeEach(() => withEnv({ SWITCHYARD_OPERATOR_TOKEN: TOKEN }));
  afterEach(() => withEnv({ SWITCHYARD_OPERATOR_TOKEN: undefined }));

  it("POST /api/session sets an httpOnly SameSite cookie holding an HMAC of the token, never the token", async () => {
    const res = await call(routes.session.POST, "POST", "/api/session", { body: { token: TOKEN } });
    expect(res.status).toBe(200);
    const cookie = res.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^sy_operator=[A-Za-z0-9_-]{43}; /);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toMatch(/SameSite=(Strict|Lax)/);
    expect(cookie).toContain("Path=/");
    expect(cookie).not.toContain(TOKEN);
    const value = /^sy_operator=([^;]+)/.exec(cookie)![1]!;
    expect(value).toBe(operatorSessionValue(TOKEN));

    expect((await call(routes.goals.GET, "GET", "/api/goals")).status).toBe(401);
    expect((await call(routes.goals.GET, "GET", "/api/goals", { headers: { cookie: `other=1; sy_operator=${value}` } })).status).toBe(200);
    expect((await call(routes.goals.GET, "GET", "/api/goals", { headers: { cookie: `sy_operator=${TOKEN}` } })).status).toBe(401);
    expect((await call(routes.goals.GET, "GET", "/api/goals", { token: TOKEN })).status).toBe(200);
    const session = await call(routes.session.GET, "GET", "/api/session", { headers: { cookie: `sy_operator=${value}` } });
    expect(session.body).toEqual({ auth_required: true, signed_in: true });
  });

  it("a cookie made for another token is refused (changing the token signs every browser out)", async () => {
    const stale = operatorSessionValue("an-older-operator-token-000");
    expect((await call(routes.agents.GET, "GET", "/api/agents", { headers: { cookie: `sy_operator=${stale}` } })).status).toBe(401);
  });

  it("the sign-in form redirects back with the cookie, or to the sign-in page when the token is wrong; next is local only", async () => {
    const form = (body: string) =>
      call(routes.session.POST, "POST", "/api/session", {
        rawBody: body,
        headers: { "content-type": "application/x-www-form-urlencoded" },
      });
    const ok = await form(`token=${encodeURIComponent(TOKEN)}&next=${encodeURIComponent("/goals/1?x=2")}`);
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe("/goals/1?x=2");
    expect(ok.headers.get("set-cookie")).toContain(`sy_operator=${operatorSessionValue(TOKEN)}`);
    for (const next of ["//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"]) {
      const res = await form(`token=${encodeURIComponent(TOKEN)}&next=${encodeURIComponent(next)}`);
      expect(res.headers.get("location")).toBe("/");
    }
    const wrong = await form("token=nope&next=%2Fagents");
    expect(wrong.status).toBe(303);
    expect(wrong.headers.get("location")).toBe("/sign-in?error=wrong&next=%2Fagents");
    expect(wrong.headers.get("set-cookie")).toBeNull();
  });

  it("DELETE /api/session clears the cookie", async () => {
    const res = await call(routes.session.DELETE, "DELETE", "/api/session");
    expect(res.status).toBe(200);
    expect(res.headers.get("set-cookie")).toMatch(/^sy_operator=; .*Max-Age=0/);
  });

  it("a state change authenticated by cookie must come from this origin", async () => {
    const cookie = `sy_operator=${operatorSessionValue(TOKEN)}`;
    const body = { goal: "analyse data", dry_run: true };
    const cross = await call(routes.goals.POST, "POST", "/api/goals", { body, headers: { cookie, origin: "http://evil.example" } });
    expect(cross.status).toBe(401);
    const same = await call(routes.goals.POST, "POST", "/api/goals", { body, headers: { cookie, origin: "http://localhost" } });
    expect(same.status).toBe(200);
  });

  it("isOperatorHandshake accepts the cookie, a Bearer header or auth.token, and nothing else", () => {
    const cookie = `sy_operator=${operatorSessionValue(TOKEN)}`;
    expect(isOperatorHandshake({ cookie })).toBe(true);
    expect(isOperatorHandshake({ authorization: `Bearer ${TOKEN}` })).toBe(true);
    expect(isOperatorHandshake({}, { token: TOKEN })).toBe(true);
    expect(isOperatorHandshake({})).toBe(false);
    expect(isOperatorHandshake({ cookie: `sy_operator=${TOKEN}` })).toBe(false);
    expect(isOperatorHandshake({}, { token: "nope" })).toBe(false);
    expect(isOperatorHandshake({}, { token: 42 })).toBe(false);
    // A WebSocket from another origin of the same site carries the cookie too: refused.
    expect(isOperatorHandshake({ cookie, host: "localhost:3000", origin: "http://localhost:3000" })).toBe(true);
    expect(isOperatorHandshake({ cookie, host: "localhost:3000", origin: "http://localhost:8080" })).toBe(false);
    expect(isOperatorHandshake({ authorization: `Bearer ${TOKEN}`, host: "localhost:3000", origin: "http://localhost:8080" })).toBe(true);
  });
});

describe("agent tokens", () => {
  it("are stored hashed and never returned or recorded after registration", async () => {
    const agent = await register("secretive");
    const secret = agent.token.split(".")[1]!;
    const row = await db().agent.findUniqueOrThrow({ where: { id: agent.agent_id } });
    expect(row.tokenHash).toBe(hashSecret(secret));
    expect(row.tokenHash).not.toContain(secret);

    await call(routes.heartbeat.POST, "POST", "/api/orchestration/heartbeat", { token: agent.token, body: { agent_id: agent.agent_id } });
    const responses = [
      await call(routes.agents.GET, "GET", "/api/agents"),
      await call(routes.status.GET, "GET", "/api/orchestration/status"),
      await call(routes.events.GET, "GET", "/api/events"),
    ];
    for (const res of responses) {
      expect(res.status).toBe(200);
      const text = JSON.stringify(res.body);
      expect(text).not.toContain(secret);
      expect(text).not.toContain(row.tokenHash);
      expect(text).not.toMatch(/token_?hash/i);
    }
    const events = await db().$queryRaw<Array<{ data: unknown }>>`SELECT data FROM events`;
    expect(JSON.stringify(events)).not.toContain(secret);
    expect(JSON.stringify(events)).not.toContain(row.tokenHash);
  });
});

describe("registration token", () => {
  beforeEach(() => withEnv({ SWITCHYARD_REGISTRATION_TOKEN: "registration-token-0123456789", SWITCHYARD_OPERATOR_TOKEN: TOKEN }));
  afterEach(() => withEnv({ SWITCHYARD_REGISTRATION_TOKEN: undefined, SWITCHYARD_OPERATOR_TOKEN: undefined }));

  it("when set, only callers with it (or the operator token) can register; the typed client sends it", async () => {
    const body = { skills: ["x"] };
    const agentsBefore = await db().agent.count();
    for (const token of [undefined, "wrong-registration-token", "registration-token-012345678"]) {
      const res = await call(routes.register.POST, "POST", "/api/orchestration/register", { body, token });
      expect(res.status).toBe(401);
      expect(res.body.error.field).toBe("authorization");
    }
    expect(await db().agent.count()).toBe(agentsBefore);
    expect(
      (await call(routes.register.POST, "POST", "/api/orchestration/register", { body, token: "registration-token-0123456789" })).status,
    ).toBe(201);
    expect((await call(routes.register.POST, "POST", "/api/orchestration/register", { body, token: TOKEN })).status).toBe(201);

    const { SwitchyardClient, ApiError } = await import("switchyard-client");
    const inProcess = ((input: RequestInfo | URL, init?: RequestInit) => routes.register.POST(new Request(input, init))) as typeof fetch;
    const withToken = new SwitchyardClient({
      baseUrl: "http://localhost",
      registrationToken: "registration-token-0123456789",
      fetch: inProcess,
    });
    expect((await withToken.register({ skills: ["x"] })).agent_id).toBe(withToken.agentId);
    const without = new SwitchyardClient({ baseUrl: "http://localhost", fetch: inProcess });
    await expect(without.register({ skills: ["x"] })).rejects.toBeInstanceOf(ApiError);
  });
});

describe("per-agent rate limit", () => {
  beforeEach(() => withEnv({ AGENT_RATE_LIMIT_PER_S: "0.5", AGENT_RATE_LIMIT_BURST: "3" }));
  afterEach(() => withEnv({ AGENT_RATE_LIMIT_PER_S: undefined, AGENT_RATE_LIMIT_BURST: undefined }));

  it("answers 429 with Retry-After once an agent spends its burst; other agents and bad tokens are unaffected", async () => {
    const a = await register("hasty");
    const b = await register("calm");
    const beat = (agent: { agent_id: string; token: string }, token = agent.token) =>
      call(routes.heartbeat.POST, "POST", "/api/orchestration/heartbeat", { token, body: { agent_id: agent.agent_id } });
    // Wrong secrets for a's id do not drain a's bucket (authentication comes first).
    for (let i = 0; i < 5; i++) expect((await beat(a, `${a.agent_id}.wrong-secret`)).status).toBe(401);
    for (let i = 0; i < 3; i++) expect((await beat(a)).status).toBe(200);
    const limited = await beat(a);
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe("rate_limited");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    // Every agent endpoint shares the bucket.
    const pulled = await call(routes.assign.POST, "POST", "/api/orchestration/assign", { token: a.token, body: { agent_id: a.agent_id } });
    expect(pulled.status).toBe(429);
    const done = await call(routes.complete.POST, "POST", "/api/orchestration/complete", {
      token: a.token,
      body: { subtask_uuid: a.agent_id, result: "x" },
    });
    expect(done.status).toBe(429);
    expect((await beat(b)).status).toBe(200);
  });
});

describe("results and goal text are rendered as text", () => {
  it("no component sets HTML directly (dangerouslySetInnerHTML, innerHTML, eval)", () => {
    const root = path.resolve(import.meta.dirname, "../..");
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        if (name === "node_modules" || name.startsWith(".") || name === "generated") continue;
        const full = path.join(dir, name);
        if (statSync(full).isDirectory()) walk(full);
        else if (/\.(tsx?|jsx?|mjs)$/.test(name) && !name.endsWith(".test.ts")) {
          const text = readFileSync(full, "utf8");
          if (
            /dangerouslySetInnerHTML|\.innerHTML\s*=|\.outerHTML\s*=|insertAdjacentHTML|document\.write\(|\beval\(|new Function\(/.test(
              text,
            )
          )
            offenders.push(path.relative(root, full));
        }
      }
    };
    for (const dir of ["app", "components", "lib"]) {
      try {
        walk(path.join(root, dir));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      }
    }
    expect(offenders).toEqual([]);
  });
});
