// Signed webhooks from the durable outbox, in-process against real PostgreSQL and a real
// HTTP receiver on 127.0.0.1: registration checks, the outbox written with its event,
// signatures, retries with backoff, timeouts, the response cap, the 24 h limit, test
// deliveries, the delivery log, and two dispatchers never sending one delivery twice.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as routes from "@/lib/api/routes";
import { db } from "@/lib/db";
import { withEvents } from "@/lib/events/record";
import { emitAny } from "@/lib/testing/events";
import { call } from "@/lib/testing/http";
import { truncateAll } from "@/lib/testing/database";
import { complete, decompose, drain, pull, registerAgent } from "@/lib/testing/agent-calls";
import { dispatchDue, dispatcherOptions, type DispatcherOptions } from "@/lib/webhooks/dispatcher";
import { verifySignature } from "@/lib/webhooks/signature";

interface Received {
  headers: IncomingMessage["headers"];
  body: string;
  json: { id: string; type: string; event_type?: string; data: Record<string, unknown>; goal_id?: string };
}

/** A receiver that records every POST and answers as `respond` says. */
class Receiver {
  server!: Server;
  url = "";
  received: Received[] = [];
  respond: (r: Received) => { status: number; body?: string; hang?: boolean } = () => ({ status: 200 });

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        const r: Received = { headers: req.headers, body, json: JSON.parse(body) };
        this.received.push(r);
        const answer = this.respond(r);
        if (answer.hang) return; // never answers
        res.writeHead(answer.status, { "content-type": "text/plain" });
        res.end(answer.body ?? "ok");
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

const receiver = new Receiver();
const SECRET = "test-secret-0123456789abcdef";
const fast: DispatcherOptions = {
  ...dispatcherOptions(),
  timeoutMs: 1_000,
  retryBaseMs: 1_000,
  retryMaxMs: 3_600_000,
  maxAgeMs: 24 * 3600_000,
};

async function register(events: string[], url = receiver.url, secret: string | null = SECRET) {
  const res = await call(routes.webhooks.POST, "POST", "/api/webhooks", { body: { url, events, ...(secret ? { secret } : {}) } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; secret: string; url: string; events: string[] };
}

async function deliveries(webhookId: string) {
  const res = await call(routes.webhookDeliveries.GET, "GET", `/api/webhooks/${webhookId}/deliveries`, { params: { id: webhookId } });
  expect(res.status).toBe(200);
  return res.body.deliveries as Array<{
    id: number;
    event_id: string;
    event_type: string;
    status: string;
    attempts: number;
    last_status_code: number | null;
    last_latency_ms: number | null;
    last_error: string | null;
    next_attempt_at: string | null;
  }>;
}

async function finishGoal(results: Array<"ok" | "fail">, skill = "hook") {
  const agent = await registerAgent([skill], 8);
  const goal = await decompose({
    goal: "hooked goal",
    plan: { tasks: results.map((_, i) => ({ key: `t${i}`, name: `t${i}`, required_skills: [skill], max_attempts: 1 })) },
  });
  const assignments = await pull(agent);
  for (const a of assignments) {
    const i = Number(a.key.slice(1));
    if (results[i] === "ok") expect((await complete(agent, a.subtask_uuid, "fine")).status).toBe(200);
    else
      expect(
        (
          await call(routes.fail.POST, "POST", "/api/orchestration/fail", {
            token: agent.token,
            body: { subtask_uuid: a.subtask_uuid, error: "broke" },
          })
        ).status,
      ).toBe(200);
  }
  return goal.goal_id;
}

beforeAll(() => receiver.start());
afterAll(() => receiver.stop());
beforeEach(async () => {
  await truncateAll();
  receiver.received = [];
  receiver.respond = () => ({ status: 200 });
});

describe("registering webhooks", () => {
  it("checks the URL (http and https only), the events and the secret; a bad one is a 400 naming the field and stores nothing", async () => {
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ url: "ftp://example.com/x", events: ["goal.finished"] }, "url"],
      [{ url: "javascript:alert(1)", events: ["goal.finished"] }, "url"],
      [{ url: "file:///etc/passwd", events: ["goal.finished"] }, "url"],
      [{ url: "not a url", events: ["goal.finished"] }, "url"],
      [{ url: "/relative/path", events: ["goal.finished"] }, "url"],
      [{ url: "http://exa mple.com/", events: ["goal.finished"] }, "url"],
      [{ url: "https://example.com/", events: [] }, "events"],
      [{ url: "https://example.com/", events: ["goal.exploded"] }, "events[0]"],
      [{ url: "https://example.com/", events: ["goal.finished"], secret: "short" }, "secret"],
      [{ url: "https://example.com/", events: ["goal.finished"], extra: 1 }, "extra"],
    ];
    for (const [body, field] of bad) {
      const res = await call(routes.webhooks.POST, "POST", "/api/webhooks", { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.field).toBe(field);
    }
    expect((await db().$queryRaw<Array<{ n: number }>>`SELECT count(*)::int AS n FROM webhooks`)[0]!.n).toBe(0);
  });

  it("generates a secret when none is given, shows it once, lists and deletes", async () => {
    const hook = await register(["goal.finished", "task.failed"], "https://example.com/hook", null);
    expect(hook.secret).toMatch(/^whsec_/);
    const list = await call(routes.webhooks.GET, "GET", "/api/webhooks");
    expect(list.body.webhooks).toHaveLength(1);
    expect(list.body.webhooks[0]).not.toHaveProperty("secret");
    expect(list.body.webhooks[0].events).toEqual(["goal.finished", "task.failed"]);
    const del = await call(routes.webhook.DELETE, "DELETE", `/api/webhooks/${hook.id}`, { params: { id: hook.id } });
    expect(del.status).toBe(200);
    expect((await call(routes.webhooks.GET, "GET", "/api/webhooks")).body.webhooks).toEqual([]);
    expect((await call(routes.webhook.DELETE, "DELETE", `/api/webhooks/${hook.id}`, { params: { id: hook.id } })).status).toBe(404);
  });
});

describe("deliveries", () => {
  it("goal.finished is written to the outbox with its event and delivered signed, with the event's id", async () => {
    const hook = await register(["goal.finished"]);
    const goalId = await finishGoal(["ok", "ok"]);
    const [event] = await db().$queryRaw<
      Array<{ seq: bigint }>
    >`SELECT seq FROM events WHERE type = 'goal.finished' AND goal_id = ${goalId}::uuid`;
    const queued = await deliveries(hook.id);
    expect(queued.map((d) => [d.event_id, d.event_type, d.status])).toEqual([[String(event!.seq), "goal.finished", "pending"]]);

    expect(await dispatchDue(fast)).toBe(1);
    expect(receiver.received).toHaveLength(1);
    const [r] = receiver.received;
    expect(verifySignature(r!.headers["switchyard-signature"] as string, r!.body, SECRET)).toBe(true);
    expect(verifySignature(r!.headers["switchyard-signature"] as string, r!.body, "another-secret-entirely")).toBe(false);
    expect(verifySignature(r!.headers["switchyard-signature"] as string, r!.body.replace("complete", "failed"), SECRET)).toBe(false);
    expect(r!.headers["switchyard-event-id"]).toBe(String(event!.seq));
    expect(r!.headers["content-type"]).toBe("application/json");
    expect(r!.json).toMatchObject({ id: String(event!.seq), type: "goal.finished", goal_id: goalId, data: { status: "complete" } });
    const log = await deliveries(hook.id);
    expect(log[0]).toMatchObject({ status: "delivered", attempts: 1, last_status_code: 200, last_error: null });
    expect(log[0]!.last_latency_ms).toBeGreaterThanOrEqual(0);
    expect(await dispatchDue(fast)).toBe(0); // delivered once
  });

  it("a signature from another time is refused by a receiver checking the timestamp (replay)", async () => {
    await register(["goal.finished"]);
    await finishGoal(["ok"]);
    await dispatchDue(fast);
    const [r] = receiver.received;
    const header = r!.headers["switchyard-signature"] as string;
    expect(verifySignature(header, r!.body, SECRET, { now: new Date(Date.now() + 3600_000) })).toBe(false);
  });

  it("goal.finished carries each final status: complete, partial, failed and cancelled", async () => {
    await register(["goal.finished"]);
    await finishGoal(["ok"], "s1");
    await finishGoal(["ok", "fail"], "s2");
    await finishGoal(["fail"], "s3");
    const cancelled = await decompose({ goal: "to cancel", plan: { tasks: [{ key: "x", name: "x", required_skills: ["nobody"] }] } });
    expect(
      (
        await call(routes.goalCancel.POST, "POST", `/api/goals/${cancelled.goal_id}/cancel`, {
          params: { id: cancelled.goal_id },
          body: {},
        })
      ).status,
    ).toBe(200);
    while ((await dispatchDue(fast)) > 0);
    expect(receiver.received.map((r) => r.json.data.status).sort()).toEqual(["cancelled", "complete", "failed", "partial"]);
  });

  it("task.failed is a task that failed for good, not an attempt that will be retried", async () => {
    await register(["task.failed"]);
    const agent = await registerAgent(["tf"], 1);
    const goal = await decompose({
      goal: "fail twice",
      plan: { tasks: [{ key: "x", name: "x", required_skills: ["tf"], max_attempts: 2 }] },
    });
    for (let i = 0; i < 2; i++) {
      let a: Awaited<ReturnType<typeof pull>> = [];
      for (let tries = 0; a.length === 0 && tries < 100; tries++) {
        a = await pull(agent);
        if (a.length === 0) await new Promise((r) => setTimeout(r, 50)); // the retry's backoff (RETRY_MAX_MS=200 in tests)
      }
      expect(
        (
          await call(routes.fail.POST, "POST", "/api/orchestration/fail", {
            token: agent.token,
            body: { subtask_uuid: a[0]!.subtask_uuid, error: `boom ${i}` },
          })
        ).status,
      ).toBe(200);
    }
    while ((await dispatchDue(fast)) > 0);
    expect(receiver.received.map((r) => [r.json.type, r.json.data.status, r.json.data.error])).toEqual([
      ["task.failed", "failed", "boom 1"],
    ]);
    expect(receiver.received[0]!.json.goal_id).toBe(goal.goal_id);
  });

  it("subscribes by event type, so events other parts emit (task.awaiting_approval, goal.budget_exceeded) are delivered once written", async () => {
    await register(["task.awaiting_approval", "goal.budget_exceeded"]);
    await withEvents(async (_tx, emit) => {
      emitAny(emit, {
        type: "task.awaiting_approval",
        actor: "agent:x",
        data: { status: "awaiting_approval", attempt: 1, duration_ms: 5 },
      });
      emitAny(emit, { type: "goal.budget_exceeded", actor: "system", data: { limit: 1 } });
      emitAny(emit, { type: "goal.started", actor: "system", data: { status: "running" } });
    });
    while ((await dispatchDue(fast)) > 0);
    expect(receiver.received.map((r) => r.json.type).sort()).toEqual(["goal.budget_exceeded", "task.awaiting_approval"]);
  });

  it("the outbox row exists only if its event committed: a rolled-back transaction queues nothing", async () => {
    await register(["goal.budget_exceeded"]);
    await expect(
      withEvents(async (_tx, emit) => {
        emitAny(emit, { type: "goal.budget_exceeded", actor: "system", data: {} });
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    expect((await db().$queryRaw<Array<{ n: number }>>`SELECT count(*)::int AS n FROM webhook_deliveries`)[0]!.n).toBe(0);
  });

  it("a failing receiver is retried with exponential backoff, then delivered; the log shows attempts, status and last error", async () => {
    const hook = await register(["goal.finished"]);
    await finishGoal(["ok"]);
    receiver.respond = () => ({ status: 503 });
    const start = Date.now();
    const at = (ms: number) => () => new Date(start + ms);
    expect(await dispatchDue(fast, at(0))).toBe(1);
    let [d] = await deliveries(hook.id);
    expect(d).toMatchObject({ status: "pending", attempts: 1, last_status_code: 503, last_error: "the receiver answered 503" });
    const first = new Date(d!.next_attempt_at!).getTime() - start;
    expect(first).toBeGreaterThanOrEqual(500); // base 1 s, jittered into [½, 1]
    expect(first).toBeLessThanOrEqual(1_000);
    expect(await dispatchDue(fast, at(100))).toBe(0); // not due yet
    expect(await dispatchDue(fast, at(1_000))).toBe(1);
    [d] = await deliveries(hook.id);
    const second = new Date(d!.next_attempt_at!).getTime() - (start + 1_000);
    expect(second).toBeGreaterThanOrEqual(1_000); // doubled
    expect(second).toBeLessThanOrEqual(2_000);
    receiver.respond = () => ({ status: 204 });
    expect(await dispatchDue(fast, at(3_000))).toBe(1);
    [d] = await deliveries(hook.id);
    expect(d).toMatchObject({ status: "delivered", attempts: 3, last_status_code: 204, last_error: null });
    expect(new Set(receiver.received.map((r) => r.headers["switchyard-event-id"])).size).toBe(1); // the same event each time
  });

  it("gives up after 24 hours of failures", async () => {
    const hook = await register(["goal.finished"]);
    await finishGoal(["ok"]);
    receiver.respond = () => ({ status: 500 });
    const start = Date.now();
    expect(await dispatchDue(fast, () => new Date(start + 23 * 3600_000))).toBe(1);
    expect((await deliveries(hook.id))[0]!.status).toBe("pending");
    expect(await dispatchDue(fast, () => new Date(start + 25 * 3600_000))).toBe(1);
    expect((await deliveries(hook.id))[0]).toMatchObject({ status: "failed", attempts: 2 });
    expect(await dispatchDue(fast, () => new Date(start + 48 * 3600_000))).toBe(0);
  });

  it("a receiver that never answers times out; one that answers a huge body is read only up to the cap", async () => {
    const hook = await register(["goal.finished"]);
    await finishGoal(["ok"]);
    receiver.respond = () => ({ status: 200, hang: true });
    expect(await dispatchDue({ ...fast, timeoutMs: 300 })).toBe(1);
    expect((await deliveries(hook.id))[0]).toMatchObject({ status: "pending", last_error: "no answer within 300 ms" });
    receiver.respond = () => ({ status: 200, body: "x".repeat(20 * 1024 * 1024) });
    expect(await dispatchDue({ ...fast, maxResponseBytes: 1024 }, () => new Date(Date.now() + 60_000))).toBe(1);
    expect((await deliveries(hook.id))[0]).toMatchObject({ status: "delivered", attempts: 2 });
  });

  it("send test queues a signed webhook.test delivery", async () => {
    const hook = await register(["goal.finished"]);
    const res = await call(routes.webhookTest.POST, "POST", `/api/webhooks/${hook.id}/test`, { params: { id: hook.id } });
    expect(res.status).toBe(202);
    expect(res.body.event_id).toMatch(/^test_/);
    expect(await dispatchDue(fast)).toBe(1);
    expect(receiver.received[0]!.json.type).toBe("webhook.test");
    expect(receiver.received[0]!.headers["switchyard-event-id"]).toBe(res.body.event_id);
    expect(verifySignature(receiver.received[0]!.headers["switchyard-signature"] as string, receiver.received[0]!.body, SECRET)).toBe(true);
  });

  it("two dispatchers running at once never claim the same delivery", async () => {
    await register(["goal.finished"]);
    const hook2 = await register(["goal.finished"]);
    for (let i = 0; i < 15; i++) await finishGoal(["ok"], `c${i}`);
    const queued = (await db().$queryRaw<Array<{ n: number }>>`SELECT count(*)::int AS n FROM webhook_deliveries`)[0]!.n;
    expect(queued).toBe(30);
    const small = { ...fast, batch: 4 };
    const worker = async () => {
      let n = 0;
      for (let got = -1; got !== 0;) n += got = await dispatchDue(small);
      return n;
    };
    const counts = await Promise.all([worker(), worker(), worker()]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(30);
    const pairs = receiver.received.map((r) => `${r.headers["switchyard-event-id"]}`);
    expect(pairs).toHaveLength(30);
    expect(new Set(pairs).size).toBe(15); // each event once per webhook
    expect((await deliveries(hook2.id)).every((d) => d.status === "delivered" && d.attempts === 1)).toBe(true);
  });

  it("drains every result of a goal before signalling it finished (the delivery follows the commit)", async () => {
    await register(["goal.finished"]);
    const agent = await registerAgent(["d"], 4);
    await decompose({
      goal: "chain",
      plan: {
        tasks: [
          { key: "a", name: "a", required_skills: ["d"] },
          { key: "b", name: "b", required_skills: ["d"], depends_on: ["a"] },
        ],
      },
    });
    await drain(agent);
    await dispatchDue(fast);
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]!.json.data).toMatchObject({ status: "complete", steps_completed: 2, steps_failed: 0 });
  });
});
