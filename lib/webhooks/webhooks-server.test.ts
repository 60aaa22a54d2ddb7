// Webhook deliveries from real server processes (server.ts, production build in
// NEXT_DIST_DIR): a receiver on 127.0.0.1 verifies every signature and gets every
// goal.finished at least once, with its event id — also when the delivering server is
// SIGKILLed mid-delivery and another takes over; and with two instances running, no event
// is delivered by both.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import * as routes from "@/lib/api/routes";
import { db } from "@/lib/db";
import { call } from "@/lib/testing/http";
import { truncateAll } from "@/lib/testing/database";
import { startServer, type RunningServer } from "@/lib/testing/server";
import { waitFor } from "@/lib/testing/wait";
import { complete, decompose, pull, registerAgent } from "@/lib/testing/agent-calls";
import { verifySignature } from "@/lib/webhooks/signature";

const SECRET = "server-test-secret-0123456789";

interface Hit {
  eventId: string;
  type: string;
  status: unknown;
  signed: boolean;
  answered: boolean;
}

class Receiver {
  server!: Server;
  url = "";
  hits: Hit[] = [];
  /** While set, requests are held open (a delivery in flight). */
  hold = false;

  async start() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        const json = JSON.parse(body) as { type: string; data: { status?: unknown } };
        const hit: Hit = {
          eventId: String(req.headers["switchyard-event-id"]),
          type: json.type,
          status: json.data.status,
          signed: verifySignature(req.headers["switchyard-signature"] as string, body, SECRET),
          answered: !this.hold,
        };
        this.hits.push(hit);
        if (this.hold) return;
        res.writeHead(200).end("ok");
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }

  async stop() {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

const servers: RunningServer[] = [];
const receivers: Receiver[] = [];
const env = {
  WEBHOOK_TIMEOUT_MS: "1500",
  WEBHOOK_POLL_MS: "100",
  WEBHOOK_RETRY_BASE_MS: "200",
  WEBHOOK_RETRY_MAX_MS: "1000",
  DB_POOL_SIZE: "4",
};

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.kill()));
  await Promise.all(receivers.splice(0).map((r) => r.stop()));
});
afterAll(async () => {
  await truncateAll();
});

async function setUp(): Promise<Receiver> {
  await truncateAll();
  const receiver = new Receiver();
  await receiver.start();
  receivers.push(receiver);
  const res = await call(routes.webhooks.POST, "POST", "/api/webhooks", {
    body: { url: receiver.url, events: ["goal.finished"], secret: SECRET },
  });
  expect(res.status).toBe(201);
  return receiver;
}

/** `n` one-task goals run to completion in-process (the servers only deliver). */
async function finishGoals(n: number, skill: string): Promise<string[]> {
  const agent = await registerAgent([skill], 50);
  for (let i = 0; i < n; i++) await decompose({ goal: `goal ${i}`, plan: { tasks: [{ key: "t", name: "t", required_skills: [skill] }] } });
  for (const a of await pull(agent, 50)) expect((await complete(agent, a.subtask_uuid, "done")).status).toBe(200);
  const rows = await db().$queryRaw<Array<{ seq: bigint }>>`SELECT seq FROM events WHERE type = 'goal.finished' ORDER BY seq`;
  expect(rows).toHaveLength(n);
  return rows.map((r) => String(r.seq));
}

describe("webhook deliveries from server processes", () => {
  it(
    "every goal.finished arrives signed and at least once, also when the delivering server is SIGKILLed mid-delivery",
    { timeout: 180_000 },
    async () => {
      const receiver = await setUp();
      receiver.hold = true;
      servers.push(await startServer({ env }));
      const eventIds = await finishGoals(3, "kill");
      // The first server is sending (the receiver holds the requests open)…
      await waitFor(() => receiver.hits.length > 0, { what: "a delivery in flight" });
      await servers[0]!.kill();
      const inFlight = new Set(receiver.hits.map((h) => h.eventId));
      receiver.hold = false;
      // …and a new one takes over once the dead one's claims have expired.
      servers.push(await startServer({ env }));
      await waitFor(() => eventIds.every((id) => receiver.hits.some((h) => h.eventId === id && h.answered)), {
        timeoutMs: 40_000,
        what: "every goal.finished delivered",
      });
      expect(receiver.hits.every((h) => h.signed)).toBe(true);
      expect(receiver.hits.every((h) => h.type === "goal.finished" && h.status === "complete")).toBe(true);
      // What was in flight when the server died was delivered again (at least once).
      for (const id of inFlight) expect(receiver.hits.filter((h) => h.eventId === id).length).toBeGreaterThanOrEqual(2);
      await waitFor(
        async () =>
          (await db().$queryRaw<Array<{ n: number }>>`SELECT count(*)::int AS n FROM webhook_deliveries WHERE status <> 'delivered'`)[0]!
            .n === 0,
        { what: "every delivery recorded as delivered" },
      );
    },
  );

  it("two instances deliver every event, and no event is delivered by both", { timeout: 180_000 }, async () => {
    const receiver = await setUp();
    servers.push(...(await Promise.all([startServer({ env }), startServer({ env })])));
    const eventIds = await finishGoals(20, "two");
    await waitFor(() => eventIds.every((id) => receiver.hits.some((h) => h.eventId === id)), {
      timeoutMs: 40_000,
      what: "every goal.finished delivered",
    });
    await waitFor(
      async () =>
        (await db().$queryRaw<Array<{ n: number }>>`SELECT count(*)::int AS n FROM webhook_deliveries WHERE status <> 'delivered'`)[0]!
          .n === 0,
      { what: "every delivery recorded" },
    );
    expect(receiver.hits.every((h) => h.signed)).toBe(true);
    expect(receiver.hits.map((h) => h.eventId).sort()).toEqual([...eventIds].sort()); // each exactly once
    const attempts = await db().$queryRaw<Array<{ attempts: number }>>`SELECT attempts FROM webhook_deliveries`;
    expect(attempts.every((a) => a.attempts === 1)).toBe(true);
  });
});
