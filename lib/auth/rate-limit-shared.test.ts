// The per-agent rate limit holds across instances: two real servers on one database, one
// agent calling both in turn, get the burst once between them (not once each), because
// the bucket lives in PostgreSQL and each instance only leases tokens from it. In-process,
// many concurrent calls for one agent share one lease request instead of one round trip
// each. Needs a production build.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetEnv } from "@/lib/env";
import { leaseRoundTrips, leaseSize, resetAgentBuckets, takeAgentToken } from "@/lib/auth/rate-limit";
import { startServer, type RunningServer } from "@/lib/testing/server";

const LIMITS = { AGENT_RATE_LIMIT_PER_S: "1", AGENT_RATE_LIMIT_BURST: "10" };
let a: RunningServer;
let b: RunningServer;

beforeAll(async () => {
  const env = { ...LIMITS, SWEEP_INTERVAL_MS: "60000", DB_POOL_SIZE: "3" };
  [a, b] = await Promise.all([startServer({ env }), startServer({ env })]);
}, 120_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
});

async function post(server: RunningServer, path: string, body: unknown, token?: string) {
  const res = await fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, retryAfter: res.headers.get("retry-after"), body: (await res.json()) as any };
}

describe("the per-agent rate limit across instances", () => {
  it("two instances together allow the burst once, not twice", async () => {
    const agent = (await post(a, "/api/orchestration/register", { skills: ["x"] })).body as { agent_id: string; token: string };
    const started = Date.now();
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 40; i++) {
      const res = await post(i % 2 ? b : a, "/api/orchestration/heartbeat", { agent_id: agent.agent_id }, agent.token);
      statuses.push(res.status);
      if (res.status === 429) retryAfter ??= res.retryAfter;
    }
    const elapsedS = (Date.now() - started) / 1000;
    const allowed = statuses.filter((s) => s === 200).length;
    // The burst (10) plus what refilled meanwhile at 1/s; per-process buckets would allow 20+.
    expect(allowed).toBeGreaterThanOrEqual(10);
    expect(allowed).toBeLessThanOrEqual(10 + Math.ceil(elapsedS) + 1);
    expect(allowed).toBeLessThan(20);
    expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
    expect(retryAfter).toMatch(/^\d+$/);
    // Both instances refused some: each one sees the shared bucket.
    expect(statuses.filter((s, i) => s === 429 && i % 2 === 0).length).toBeGreaterThan(0);
    expect(statuses.filter((s, i) => s === 429 && i % 2 === 1).length).toBeGreaterThan(0);
  });

  it("in-process, 2,000 takes for one agent make one round trip per lease, not one per request", async () => {
    process.env.AGENT_RATE_LIMIT_PER_S = "100000";
    process.env.AGENT_RATE_LIMIT_BURST = "1000000";
    resetEnv();
    resetAgentBuckets();
    try {
      const before = leaseRoundTrips();
      const agentId = "7f1d3a52-9c1e-4b0a-8f7e-2d9c6b1a0e4f";
      await Promise.all(Array.from({ length: 2000 }, () => takeAgentToken(agentId)));
      const trips = leaseRoundTrips() - before;
      const size = leaseSize(100_000, 1_000_000);
      expect(size).toBeGreaterThan(1);
      expect(trips).toBeLessThanOrEqual(Math.ceil(2000 / size) + 1);
    } finally {
      delete process.env.AGENT_RATE_LIMIT_PER_S;
      delete process.env.AGENT_RATE_LIMIT_BURST;
      resetEnv();
    }
  });
});
