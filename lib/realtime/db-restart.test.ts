// Live events survive the database terminating every session: a real server pair on this
// file's database, a socket on each, then pg_terminate_backend on every session of THIS
// test database (never another test's). Relay leadership, its LISTEN and the socket.io
// adapter's LISTEN reconnect by themselves; events reach the sockets of both instances
// again (also a new socket), a socket that stayed connected gets what it missed, and no
// uncaughtException appears in either server's output. Needs a production build.
import pg from "pg";
import { io, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "@/lib/testing/server";
import { waitFor } from "@/lib/testing/wait";
import type { ClientToServerEvents, LiveEvent, ServerToClientEvents } from "@/lib/realtime/protocol";

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

const SERVER_ENV = { SWEEP_INTERVAL_MS: "60000", DB_POOL_SIZE: "3" };
let a: RunningServer;
let b: RunningServer;
const sockets: Client[] = [];

beforeAll(async () => {
  a = await startServer({ env: { ...SERVER_ENV, SWITCHYARD_INSTANCE_ID: "a" } });
  b = await startServer({ env: { ...SERVER_ENV, SWITCHYARD_INSTANCE_ID: "b" } });
}, 120_000);

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await Promise.all([a?.stop(), b?.stop()]);
});

async function listen(server: RunningServer): Promise<LiveEvent[]> {
  const socket: Client = io(server.url, { transports: ["websocket"] });
  sockets.push(socket);
  const received: LiveEvent[] = [];
  socket.on("event", (e) => received.push(e));
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => socket.emit("subscribe", {}, (reply) => (reply.ok ? resolve() : reject(new Error(reply.error)))));
    socket.once("connect_error", reject);
  });
  return received;
}

/** Creates a goal through `server`, retrying while it answers 503 (its pool reconnecting). */
async function createGoal(server: RunningServer, label: string): Promise<string> {
  return waitFor(
    async () => {
      const res = await fetch(`${server.url}/api/goals`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ goal: label, plan: { tasks: [{ key: "a", name: "A", required_skills: ["x"] }] } }),
      });
      return res.status === 201 ? ((await res.json()) as { goal_id: string }).goal_id : undefined;
    },
    { timeoutMs: 30_000, what: `goal ${label} to be created` },
  );
}

const hasGoal = (events: LiveEvent[], goalId: string) => events.some((e) => e.goal_id === goalId);

async function terminateSessions(): Promise<number> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    const res = await client.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
    );
    return res.rowCount ?? 0;
  } finally {
    await client.end();
  }
}

async function listeningSessions(): Promise<string[]> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    const res = await client.query(
      "SELECT application_name FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name IN ('switchyard-socket.io', 'switchyard-relay') ORDER BY 1",
    );
    return res.rows.map((r) => r.application_name as string);
  } finally {
    await client.end();
  }
}

describe("after pg_terminate_backend on every session of the database", () => {
  it("events flow to the sockets of both instances again, and nothing is missed or uncaught", async () => {
    const onA = await listen(a);
    const onB = await listen(b);
    const before = await createGoal(a, "before");
    await waitFor(() => hasGoal(onA, before) && hasGoal(onB, before), { what: "the first goal's events on both instances" });

    for (let round = 1; round <= 2; round++) {
      // Only this test file's database: other tests run beside us on the same server.
      expect(await terminateSessions()).toBeGreaterThan(0);
      // A goal made while the adapters may still be reconnecting: the sockets that stayed
      // connected must get it too (from the log if the NOTIFY went nowhere).
      const during = await createGoal(round % 2 ? b : a, `during ${round}`);
      const after = await waitFor(
        async () => {
          const id = await createGoal(round % 2 ? a : b, `after ${round}`);
          await new Promise((r) => setTimeout(r, 500));
          return hasGoal(onA, id) && hasGoal(onB, id) ? id : undefined;
        },
        { timeoutMs: 30_000, what: `events on both instances after round ${round}` },
      );
      await waitFor(() => hasGoal(onA, during) && hasGoal(onB, during), { what: `the goal made during round ${round} on both instances` });
      for (const events of [onA, onB]) {
        const seqs = events.map((e) => e.seq);
        expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
        expect(new Set(seqs).size).toBe(seqs.length);
      }
      expect(hasGoal(onA, after)).toBe(true);
    }

    // A new socket on each instance hears new events too.
    const freshA = await listen(a);
    const freshB = await listen(b);
    const last = await createGoal(b, "fresh");
    await waitFor(() => hasGoal(freshA, last) && hasGoal(freshB, last), { what: "a new socket on each instance to hear a new goal" });
    // Both instances LISTEN again (adapter on each, the relay leader's own).
    await waitFor(async () => (await listeningSessions()).filter((n) => n === "switchyard-socket.io").length >= 2, {
      what: "the adapters' sessions to be back",
    });
    expect(await listeningSessions()).toContain("switchyard-relay");

    for (const server of [a, b]) {
      expect(server.output()).not.toContain("uncaughtException");
      expect(server.process.exitCode).toBeNull();
    }
  });
});
