// Operator authentication and security headers on a real server process: pages send a
// browser without the sign-in cookie to /sign-in, the API answers 401, socket.io refuses
// the handshake, and every response carries the security headers. Without a token the
// server binds to loopback only. Needs a production build in NEXT_DIST_DIR (`next build`).
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "@/lib/testing/server";
import { signIn as signInAs } from "@/lib/testing/sign-in";
import { tryHandshake } from "@/lib/testing/socket";

const TOKEN = "server-security-operator-token-1";

let server: RunningServer;

beforeAll(async () => {
  server = await startServer({
    env: { SWITCHYARD_OPERATOR_TOKEN: TOKEN, MAX_BODY_BYTES: "65536", SWEEP_INTERVAL_MS: "60000", DB_POOL_SIZE: "4" },
  });
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

const signIn = () => signInAs(server, TOKEN);

function expectSecurityHeaders(headers: Headers) {
  const csp = headers.get("content-security-policy") ?? "";
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("object-src 'none'");
  expect(csp).not.toContain("unsafe-eval"); // production build
  expect(headers.get("x-content-type-options")).toBe("nosniff");
  expect(headers.get("x-frame-options")).toBe("DENY");
  expect(headers.get("referrer-policy")).toBeTruthy();
}

describe("with SWITCHYARD_OPERATOR_TOKEN set", () => {
  it("pages redirect to /sign-in without the cookie, and render with it", async () => {
    for (const path of ["/", "/agents", "/goals/7f1d3a52-9c1e-4b0a-8f7e-2d9c6b1a0e4f?tab=dag", "/tensor"]) {
      const res = await fetch(server.url + path, { redirect: "manual" });
      expect(res.status, path).toBe(307);
      const location = new URL(res.headers.get("location")!, server.url);
      expect(location.pathname).toBe("/sign-in");
      if (path !== "/") expect(location.searchParams.get("next")).toBe(path);
    }
    const withRawToken = await fetch(server.url + "/", { redirect: "manual", headers: { cookie: `sy_operator=${TOKEN}` } });
    expect(withRawToken.status).toBe(307);

    const cookie = await signIn();
    const page = await fetch(server.url + "/", { redirect: "manual", headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    expectSecurityHeaders(page.headers);
  });

  it("the sign-in page is a form that sets the cookie and returns to where the browser was going", async () => {
    const page = await fetch(server.url + "/sign-in?next=%2Fagents");
    expect(page.status).toBe(200);
    expectSecurityHeaders(page.headers);
    const html = await page.text();
    expect(html).toContain('action="/api/session"');
    expect(html).toContain('name="token"');
    const posted = await fetch(server.url + "/api/session", {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: server.url },
      body: `token=${encodeURIComponent(TOKEN)}&next=%2Fagents`,
    });
    expect(posted.status).toBe(303);
    expect(posted.headers.get("location")).toBe("/agents");
    const cookie = posted.headers.get("set-cookie")!;
    expect(cookie).toContain("HttpOnly");
    expect(cookie).not.toContain(TOKEN);
  });

  it("the API answers 401 JSON (no redirect) without the token, and carries the security headers", async () => {
    const res = await fetch(server.url + "/api/goals", { redirect: "manual" });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: "unauthorized", message: "operator token required" } });
    expectSecurityHeaders(res.headers);
    const ok = await fetch(server.url + "/api/goals", { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    expectSecurityHeaders((await fetch(server.url + "/api/health")).headers);
  });

  it("socket.io refuses a handshake without the operator's credentials", async () => {
    const connect = (options: { auth?: Record<string, unknown>; extraHeaders?: Record<string, string> }) =>
      tryHandshake(server.url, { transports: ["websocket"], ...options });
    expect(await connect({})).toMatch(/^refused: unauthorized/);
    expect(await connect({ auth: { token: "wrong" } })).toMatch(/^refused/);
    expect(await connect({ extraHeaders: { cookie: `sy_operator=${TOKEN}` } })).toMatch(/^refused/);
    expect(await connect({ auth: { token: TOKEN } })).toBe("connected");
    const cookie = await signIn();
    expect(await connect({ extraHeaders: { cookie } })).toBe("connected");
    expect(await connect({ extraHeaders: { cookie, origin: server.url } })).toBe("connected");
    expect(await connect({ extraHeaders: { cookie, origin: "http://127.0.0.1:1" } })).toMatch(/^refused/);
  });

  it("a chunked body over MAX_BODY_BYTES without content-length gets 413", async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL(server.url + "/api/orchestration/register");
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: "POST",
          headers: { "content-type": "application/json", "transfer-encoding": "chunked" },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode!);
        },
      );
      req.on("error", (error) =>
        (error as NodeJS.ErrnoException).code === "ECONNRESET" || (error as NodeJS.ErrnoException).code === "EPIPE"
          ? undefined
          : reject(error),
      );
      req.write('{"skills":["x"],"name":"');
      let sent = 0;
      const chunk = "x".repeat(16_384);
      const pump = () => {
        while (sent < 40) {
          sent++;
          if (!req.write(chunk)) return void req.once("drain", pump);
        }
        req.end('"}');
      };
      pump();
    });
    expect(status).toBe(413);
  });
});

describe("without an operator token", () => {
  it("binds to loopback only and says so", async () => {
    const open = await startServer({ env: { SWITCHYARD_OPERATOR_TOKEN: "", HOST: "", SWEEP_INTERVAL_MS: "60000" } });
    try {
      expect(open.output()).toContain(`listening on http://127.0.0.1:${open.port}`);
      expect(open.output()).toMatch(/no SWITCHYARD_OPERATOR_TOKEN.*loopback only/);
    } finally {
      await open.stop();
    }
  });
});
