// Cross-site and DNS-rebinding writes, on real server processes: a page on another site
// (Origin, Sec-Fetch-Site) cannot change anything, a foreign Host is refused for pages,
// the API and the socket.io handshake, JSON endpoints read only application/json, and the
// cookie's origin check compares the scheme. Needs a production build (`next build`).
import { request } from "node:http";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "@/lib/testing/server";
import { signIn as signInAs } from "@/lib/testing/sign-in";
import { tryHandshake } from "@/lib/testing/socket";

const TOKEN = "request-guard-operator-token-0123456789abcdef";
const GOAL = JSON.stringify({ goal: "exfiltrate", plan: { tasks: [{ key: "a", name: "A", required_skills: ["shell"] }] } });

let open: RunningServer;
let guarded: RunningServer;

beforeAll(async () => {
  const env = { SWEEP_INTERVAL_MS: "60000", DB_POOL_SIZE: "3", ALLOWED_HOSTS: "switchyard.test, Other.Example:8080" };
  [open, guarded] = await Promise.all([
    startServer({ env: { ...env, SWITCHYARD_OPERATOR_TOKEN: "" } }),
    startServer({ env: { ...env, SWITCHYARD_OPERATOR_TOKEN: TOKEN } }),
  ]);
}, 120_000);

afterAll(async () => {
  await Promise.all([open?.stop(), guarded?.stop()]);
});

async function goalCount(): Promise<number> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    return Number((await client.query("SELECT count(*)::int AS n FROM goals")).rows[0].n);
  } finally {
    await client.end();
  }
}

/** A raw HTTP request (fetch will not send a Host header of our choosing). */
function raw(
  server: RunningServer,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port: server.port, method: options.method ?? "GET", path: options.path, headers: options.headers },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode!, body, headers: res.headers }));
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

function post(server: RunningServer, headers: Record<string, string>, body = GOAL) {
  return raw(server, { method: "POST", path: "/api/goals", headers: { host: `127.0.0.1:${server.port}`, ...headers }, body });
}

function connect(
  server: RunningServer,
  options: { transports: ("websocket" | "polling")[]; extraHeaders?: Record<string, string>; auth?: Record<string, unknown> },
) {
  return tryHandshake(server.url, options);
}

describe("an open instance (no operator token, the default npm start)", () => {
  it("refuses the cross-site text/plain POST /api/goals from http://evil.example and stores nothing", async () => {
    const before = await goalCount();
    const res = await post(open, { "content-type": "text/plain", origin: "http://evil.example", "sec-fetch-site": "cross-site" });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: "forbidden", field: "origin" } });
    const noSite = await post(open, { "content-type": "text/plain", origin: "http://evil.example" });
    expect(noSite.status).toBe(403);
    const onlySite = await post(open, { "content-type": "application/json", "sec-fetch-site": "cross-site" });
    expect(onlySite.status).toBe(403);
    expect(JSON.parse(onlySite.body).error.field).toBe("sec-fetch-site");
    const sameSite = await post(open, {
      "content-type": "application/json",
      origin: `http://localhost:${open.port + 1}`,
      "sec-fetch-site": "same-site",
    });
    expect(sameSite.status).toBe(403);
    const nullOrigin = await post(open, { "content-type": "application/json", origin: "null" });
    expect(nullOrigin.status).toBe(403);
    expect(await goalCount()).toBe(before);
  });

  it("a JSON endpoint answers 415 to text/plain or a form, even from a non-browser client, and stores nothing", async () => {
    const before = await goalCount();
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      const res = await post(open, { "content-type": type });
      expect(res.status, type).toBe(415);
      expect(JSON.parse(res.body)).toMatchObject({ error: { code: "unsupported_media_type", field: "content-type" } });
    }
    const none = await post(open, {});
    expect(none.status).toBe(415);
    expect(await goalCount()).toBe(before);
  });

  it("accepts the same write from its own origin and from a non-browser client", async () => {
    const before = await goalCount();
    const own = await post(open, { "content-type": "application/json", origin: open.url, "sec-fetch-site": "same-origin" });
    expect(own.status, own.body).toBe(201);
    const viaLocalhost = await raw(open, {
      method: "POST",
      path: "/api/goals",
      headers: {
        host: `localhost:${open.port}`,
        origin: `http://localhost:${open.port}`,
        "content-type": "application/json; charset=utf-8",
      },
      body: GOAL,
    });
    expect(viaLocalhost.status, viaLocalhost.body).toBe(201);
    const curl = await post(open, { "content-type": "application/json" });
    expect(curl.status, curl.body).toBe(201);
    expect(await goalCount()).toBe(before + 3);
  });

  it("an https origin is not the origin of the http server on the same host and port", async () => {
    const before = await goalCount();
    const res = await post(open, { "content-type": "application/json", origin: `https://127.0.0.1:${open.port}` });
    expect(res.status).toBe(403);
    expect(await goalCount()).toBe(before);
  });

  it("a foreign Host is refused for a page, an API call and a write (DNS rebinding), and nothing is stored", async () => {
    const before = await goalCount();
    for (const path of ["/", "/agents", "/api/goals", "/api/health"]) {
      const res = await raw(open, { path, headers: { host: `evil.example:${open.port}` } });
      expect(res.status, path).toBe(421);
      expect(JSON.parse(res.body)).toMatchObject({ error: { code: "misdirected_request", field: "host" } });
    }
    const write = await raw(open, {
      method: "POST",
      path: "/api/goals",
      headers: { host: `evil.example:${open.port}`, origin: `http://evil.example:${open.port}`, "content-type": "application/json" },
      body: GOAL,
    });
    expect(write.status).toBe(421);
    const forwarded = await raw(open, {
      path: "/api/goals",
      headers: { host: `127.0.0.1:${open.port}`, "x-forwarded-host": "evil.example" },
    });
    expect(forwarded.status).toBe(421);
    expect(await goalCount()).toBe(before);
    expect((await raw(open, { path: "/api/health", headers: { host: `[::1]:${open.port}` } })).status).toBe(200);
    expect((await raw(open, { path: "/api/health", headers: { host: "LOCALHOST" } })).status).toBe(200);
  });

  it("ALLOWED_HOSTS adds host names (any port, any case)", async () => {
    expect((await raw(open, { path: "/api/health", headers: { host: `switchyard.test:${open.port}` } })).status).toBe(200);
    expect((await raw(open, { path: "/api/health", headers: { host: "other.example" } })).status).toBe(200);
    expect((await raw(open, { path: "/api/health", headers: { host: "switchyard.test.evil.example" } })).status).toBe(421);
  });

  it("the socket.io handshake refuses a foreign Host and a foreign origin, polling and WebSocket alike", async () => {
    const handshake = (headers: Record<string, string>) => raw(open, { path: "/socket.io/?EIO=4&transport=polling", headers });
    expect((await handshake({ host: `127.0.0.1:${open.port}` })).status).toBe(200);
    const foreignHost = await handshake({ host: `evil.example:${open.port}` });
    expect(foreignHost.status).toBe(403);
    expect(foreignHost.body).toContain("misdirected_request");
    expect((await handshake({ host: `127.0.0.1:${open.port}`, origin: "http://evil.example" })).status).toBe(403);
    expect(await connect(open, { transports: ["websocket"] })).toBe("connected");
    expect(await connect(open, { transports: ["websocket"], extraHeaders: { origin: open.url } })).toBe("connected");
    expect(await connect(open, { transports: ["websocket"], extraHeaders: { origin: "http://evil.example" } })).toMatch(/^refused/);
    expect(await connect(open, { transports: ["websocket"], extraHeaders: { host: `evil.example:${open.port}` } })).toMatch(/^refused/);
    expect(await connect(open, { transports: ["polling"], extraHeaders: { origin: "http://evil.example" } })).toMatch(/^refused/);
  });

  it("/_next/image is a 404 (no image optimiser)", async () => {
    const res = await fetch(`${open.url}/_next/image?url=%2Ffavicon.ico&w=64&q=75`);
    expect(res.status).toBe(404);
  });
});

describe("an instance with an operator token", () => {
  const signIn = () => signInAs(guarded, TOKEN);

  it("a cookie write from https://127.0.0.1:PORT to the http server is refused; from its own origin it is accepted", async () => {
    const cookie = await signIn();
    const before = await goalCount();
    const https = await post(guarded, { cookie, "content-type": "application/json", origin: `https://127.0.0.1:${guarded.port}` });
    expect(https.status).toBe(403);
    const otherPort = await post(guarded, { cookie, "content-type": "application/json", origin: `http://127.0.0.1:${guarded.port + 1}` });
    expect(otherPort.status).toBe(403);
    const hidden = await post(guarded, { cookie, "content-type": "application/json" });
    expect(hidden.status).toBe(403);
    expect(await goalCount()).toBe(before);
    const own = await post(guarded, { cookie, "content-type": "application/json", origin: guarded.url, "sec-fetch-site": "same-origin" });
    expect(own.status, own.body).toBe(201);
    const bearer = await post(guarded, { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" });
    expect(bearer.status, bearer.body).toBe(201);
  });

  it("a cookie WebSocket from the https origin is refused", async () => {
    const cookie = await signIn();
    expect(await connect(guarded, { transports: ["websocket"], extraHeaders: { cookie, origin: guarded.url } })).toBe("connected");
    expect(
      await connect(guarded, { transports: ["websocket"], extraHeaders: { cookie, origin: `https://127.0.0.1:${guarded.port}` } }),
    ).toMatch(/^refused/);
  });

  it("the sign-in form still works from its own origin, and not from another", async () => {
    const form = (origin: string) =>
      raw(guarded, {
        method: "POST",
        path: "/api/session",
        headers: { host: `127.0.0.1:${guarded.port}`, origin, "content-type": "application/x-www-form-urlencoded" },
        body: `token=${encodeURIComponent(TOKEN)}&next=%2Fagents`,
      });
    expect((await form(guarded.url)).status).toBe(303);
    expect((await form("http://evil.example")).status).toBe(403);
  });
});
