// The live path end to end, with real server processes (server.ts in production mode) on
// this file's database. NEEDS A BUILD FIRST: `npm test` runs `next build` before vitest;
// by hand: `NEXT_DIST_DIR=.next-x npx next build && NEXT_DIST_DIR=.next-x npx vitest run lib/realtime/live.test.ts`.
//
// Push latency (commit → socket receive) is printed, not asserted (timing belongs in bench/).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { io, type Socket } from "socket.io-client";
import { startServer, type RunningServer } from "@/lib/testing/server";
import { beginResume, initialCatchUp, receiveLive, receiveResumed, type CatchUpState } from "@/lib/realtime/catch-up";
import type { ClientToServerEvents, LiveEvent, ProgressPush, ResumeReply, ServerToClientEvents } from "@/lib/realtime/protocol";
import { emitAny, type AnyEvent } from "@/lib/testing/events";
import { withEvents } from "@/lib/events/record";
import { operatorSessionValue } from "@/lib/auth/operator";
import pg from "pg";

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
type Agent = { agent_id: string; token: string };

// Small pools: these servers share the database server's max_connections with other tests.
const SERVER_ENV = { SWEEP_INTERVAL_MS: "60000", DB_POOL_SIZE: "4" };
let a: RunningServer;
let b: RunningServer | undefined;
const sockets: Client[] = [];

beforeAll(async () => {
  a = await startServer({ env: SERVER_ENV });
}, 120_000);

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await b?.stop();
  await a?.stop();
});

async function api<T = any>(
  server: RunningServer,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

async function registerAgent(server: RunningServer, skills: string[], capacity = 8): Promise<Agent> {
  const res = await api(server, "POST", "/api/orchestration/register", { skills, capacity });
  expect(res.status).toBe(201);
  return res.body;
}

async function createGoal(server: RunningServer, keys: string[], skill: string): Promise<{ goalId: string; ids: Record<string, string> }> {
  const tasks = keys.map((key) => ({ key, name: key, required_skills: [skill] }));
  const res = await api(server, "POST", "/api/orchestration/decompose", { goal: `live ${skill}`, plan: { tasks } });
  expect(res.status).toBe(201);
  return {
    goalId: res.body.goal_id,
    ids: Object.fromEntries(res.body.subtasks.map((s: { key: string; uuid: string }) => [s.key, s.uuid])),
  };
}

async function pull(server: RunningServer, agent: Agent) {
  const res = await api(server, "POST", "/api/orchestration/assign", { agent_id: agent.agent_id }, agent.token);
  expect(res.status).toBe(200);
  return res.body.assignments as Array<{ subtask_uuid: string; key: string }>;
}

async function complete(server: RunningServer, agent: Agent, subtask: string) {
  const res = await api(server, "POST", "/api/orchestration/complete", { subtask_uuid: subtask, result: "ok" }, agent.token);
  expect(res.status).toBe(200);
}

/** A socket that records every `event` it receives, in arrival order. */
class Listener {
  readonly received: AnyEvent[] = [];
  readonly arrivedAt = new Map<number, number>();
  private waiters: Array<() => void> = [];

  constructor(readonly socket: Client) {
    socket.on("event", (e) => {
      this.received.push(e);
      this.arrivedAt.set(e.seq, performance.now());
      for (const w of this.waiters) w();
    });
  }

  async waitFor(predicate: (events: AnyEvent[]) => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.received)) {
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what}; got ${this.received.map((e) => `${e.seq}:${e.type}`).join(", ")}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 200);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
      this.waiters = [];
    }
  }
}

async function connect(server: RunningServer, auth?: { token: string }): Promise<Client> {
  const socket: Client = io(server.url, { transports: ["websocket"], reconnection: false, forceNew: true, auth });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", (e) => reject(e));
  });
  return socket;
}

async function subscribe(socket: Client, goalId?: string): Promise<void> {
  const reply = await socket.timeout(10_000).emitWithAck("subscribe", goalId ? { goal_id: goalId } : {});
  expect(reply).toEqual({ ok: true });
}

async function resume(socket: Client, after: number, goalId?: string): Promise<Extract<ResumeReply, { ok: true }>> {
  const reply = await socket.timeout(10_000).emitWithAck("resume", { after, goal_id: goalId });
  if (!reply.ok) throw new Error(reply.error);
  return reply;
}

async function eventsOf(server: RunningServer, goalId: string, after = 0): Promise<LiveEvent[]> {
  const res = await api(server, "GET", `/api/events?goal_id=${goalId}&after=${after}&limit=5000`);
  expect(res.status).toBe(200);
  return res.body.events;
}

/**
 * What the socket.io adapter publishes on the database (its NOTIFY channel for the
 * namespace "/"), read by a plain LISTEN: not an instance, so the servers do not count it.
 */
async function adapterChannel(): Promise<{ payloads: string[]; close: () => Promise<void> }> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  const payloads: string[] = [];
  client.on("notification", (n) => payloads.push(n.payload ?? ""));
  await client.query(`LISTEN "socket.io#/"`);
  return { payloads, close: () => client.end() };
}
const RELAY_BATCH_NAME = "switchyard:events";

const isIncreasing = (seqs: number[]) => seqs.every((s, i) => i === 0 || s > seqs[i - 1]!);
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};

describe("live events over socket.io", () => {
  it("a client subscribed to a goal receives its task events, in seq order, as an agent works over HTTP", async () => {
    const channel = await adapterChannel();
    const listener = new Listener(await connect(a));
    const agent = await registerAgent(a, ["live-a"]);
    const keys = Array.from({ length: 20 }, (_, i) => `T${i}`);
    const { goalId, ids } = await createGoal(a, keys, "live-a");
    await subscribe(listener.socket, goalId);
    const assignments = await pull(a, agent);
    expect(assignments).toHaveLength(8);

    // Each completion: from the request leaving to its task.completed arriving on the socket.
    const latencies: number[] = [];
    const afterResponse: number[] = [];
    for (const assignment of assignments) {
      const sent = performance.now();
      await complete(a, agent, assignment.subtask_uuid);
      const answered = performance.now();
      await listener.waitFor(
        (es) => es.some((e) => e.type === "task.completed" && e.subtask_id === assignment.subtask_uuid),
        `completion of ${assignment.key}`,
      );
      const event = listener.received.find((e) => e.type === "task.completed" && e.subtask_id === assignment.subtask_uuid)!;
      latencies.push(listener.arrivedAt.get(event.seq)! - sent);
      afterResponse.push(listener.arrivedAt.get(event.seq)! - answered);
    }
    console.log(
      `[live] push latency, request sent → socket received (n=${latencies.length}): p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms;` +
        ` HTTP response → socket received: p50 ${percentile(afterResponse, 50).toFixed(1)} ms, max ${Math.max(...afterResponse).toFixed(1)} ms`,
    );

    const mine = listener.received.filter((e) => e.goal_id === goalId);
    expect(mine.length).toBe(listener.received.length); // only the goal's room
    expect(isIncreasing(mine.map((e) => e.seq))).toBe(true);
    expect(
      mine
        .filter((e) => e.type === "task.assigned")
        .map((e) => e.subtask_id)
        .sort(),
    ).toEqual(assignments.map((x) => x.subtask_uuid).sort());
    expect(mine.filter((e) => e.type === "task.completed")).toHaveLength(8);
    expect(mine[0]).toMatchObject({
      seq: expect.any(Number),
      actor: `agent:${agent.agent_id}`,
      data: expect.any(Object),
      created_at: expect.any(String),
    });
    // Exactly what the log holds for the goal since the subscription.
    const logged = await eventsOf(a, goalId, mine[0]!.seq - 1);
    expect(mine.map((e) => e.seq)).toEqual(logged.map((e) => e.seq));
    expect(ids.T0).toBeDefined();
    // Alone, the relay publishes none of its batches to other instances (there are none).
    await channel.close();
    expect(channel.payloads.filter((p) => p.includes(RELAY_BATCH_NAME))).toEqual([]);
  });

  it("a reconnecting client resumes with exactly the events it missed, no gap and no duplicate, then live ones", async () => {
    const agent = await registerAgent(a, ["live-b"], 4);
    const { goalId } = await createGoal(a, ["A", "B", "C", "D", "E", "F"], "live-b");
    const listener = new Listener(await connect(a));
    await subscribe(listener.socket, goalId);
    let state: CatchUpState = initialCatchUp(0);
    const delivered: LiveEvent[] = [];
    const deliver = (events: LiveEvent[]) => delivered.push(...events);
    listener.socket.on("event", (e) => {
      const step = receiveLive(state, e);
      state = step.state;
      deliver(step.deliver);
    });

    const first = await pull(a, agent);
    await complete(a, agent, first[0]!.subtask_uuid);
    await listener.waitFor((es) => es.some((e) => e.type === "task.completed"), "the first completion");
    const seenBefore = state.lastSeq;
    expect(seenBefore).toBeGreaterThan(0);

    listener.socket.disconnect();
    for (const x of first.slice(1)) await complete(a, agent, x.subtask_uuid); // missed while away
    const second = await pull(a, agent);
    await complete(a, agent, second[0]!.subtask_uuid);
    const missed = await eventsOf(a, goalId, seenBefore);
    expect(missed.length).toBeGreaterThanOrEqual(5);

    listener.socket.connect();
    await new Promise<void>((resolve) => listener.socket.once("connect", () => resolve()));
    state = beginResume(state);
    const reply = await resume(listener.socket, state.lastSeq, goalId);
    const step = receiveResumed(state, reply.events, reply.last_seq, reply.truncated);
    state = step.state;
    deliver(step.deliver);

    const afterReconnect = delivered.filter((e) => e.seq > seenBefore);
    expect(afterReconnect.map((e) => e.seq)).toEqual(missed.map((e) => e.seq));

    // Live again: the next change arrives once, after the resumed ones.
    await complete(a, agent, second[1]!.subtask_uuid);
    await listener.waitFor(
      (es) => es.some((e) => e.type === "task.completed" && e.subtask_id === second[1]!.subtask_uuid),
      "a live completion after resume",
    );
    const all = delivered.map((e) => e.seq);
    expect(new Set(all).size).toBe(all.length);
    expect(isIncreasing(all)).toBe(true);
    expect(all).toEqual((await eventsOf(a, goalId)).map((e) => e.seq).filter((s) => s <= state.lastSeq && s >= all[0]!));
  });
});

describe("push latency", () => {
  it("reports commit → socket receive for commits made by another process (printed, not asserted)", async () => {
    const listener = new Listener(await connect(a));
    await subscribe(listener.socket);
    const latencies: number[] = [];
    for (let i = 0; i < 40; i++) {
      const marker = `ping-${i}`;
      await withEvents(async (_tx, emit) => emitAny(emit, { type: "test.ping", actor: "system", data: { marker } }));
      const committed = performance.now();
      await listener.waitFor((es) => es.some((e) => e.data.marker === marker), marker);
      const event = listener.received.find((e) => e.data.marker === marker)!;
      latencies.push(listener.arrivedAt.get(event.seq)! - committed);
    }
    console.log(
      `[live] push latency, commit (another process, via NOTIFY) → socket received (n=${latencies.length}): p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms`,
    );
    const seqs = listener.received.map((e) => e.seq);
    expect(isIncreasing(seqs)).toBe(true);
    expect(latencies).toHaveLength(40);
  });
});

describe("two instances on one database", () => {
  it("an agent talking to instance A, a socket.io client on instance B sees its events; and the other way round", async () => {
    const channel = await adapterChannel();
    b = await startServer({ env: SERVER_ENV });
    const onB = new Listener(await connect(b));
    const onA = new Listener(await connect(a));
    await subscribe(onB.socket);
    await subscribe(onA.socket);

    const agentOnA = await registerAgent(a, ["two-a"], 2);
    const { goalId } = await createGoal(a, ["X", "Y"], "two-a");
    const [x] = await pull(a, agentOnA);
    await complete(a, agentOnA, x!.subtask_uuid);
    await onB.waitFor((es) => es.some((e) => e.type === "task.completed" && e.subtask_id === x!.subtask_uuid), "A's completion on B");
    expect(onB.received.some((e) => e.type === "agent.registered" && e.agent_id === agentOnA.agent_id)).toBe(true);

    const agentOnB = await registerAgent(b, ["two-b"], 2);
    const other = await createGoal(b, ["Z"], "two-b");
    const [z] = await pull(b, agentOnB);
    await complete(b, agentOnB, z!.subtask_uuid);
    await onA.waitFor((es) => es.some((e) => e.type === "goal.finished" && e.goal_id === other.goalId), "B's goal finishing, on A");
    await onB.waitFor((es) => es.some((e) => e.type === "goal.finished" && e.goal_id === other.goalId), "B's goal finishing, on B");

    // Both clients saw the same events, once each, in seq order (one relay for both).
    const seqsB = onB.received.map((e) => e.seq);
    expect(new Set(seqsB).size).toBe(seqsB.length);
    expect(isIncreasing(seqsB)).toBe(true);
    const common = onA.received.filter((e) => e.seq >= seqsB[0]!).map((e) => e.seq);
    expect(seqsB.filter((s) => s <= common.at(-1)!)).toEqual(common);
    expect(goalId).toBeDefined();
    // With two instances, the relay's batches do go through the adapter.
    await channel.close();
    expect(channel.payloads.filter((p) => p.includes(RELAY_BATCH_NAME)).length).toBeGreaterThan(0);

    // Commit → a client on the instance that does not relay (two NOTIFY hops). Printed only.
    const latencies: number[] = [];
    for (let i = 0; i < 30; i++) {
      const marker = `cross-${i}`;
      await withEvents(async (_tx, emit) => emitAny(emit, { type: "test.ping", actor: "system", data: { marker } }));
      const committed = performance.now();
      await onB.waitFor((es) => es.some((e) => e.data.marker === marker), marker);
      latencies.push(onB.arrivedAt.get(onB.received.find((e) => e.data.marker === marker)!.seq)! - committed);
    }
    console.log(
      `[live] push latency, commit → socket on the other instance (n=${latencies.length}): p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms`,
    );
  });

  it("a progress report to either instance reaches the goal's room on both, output in order, and no socket outside it", async () => {
    expect(b).toBeDefined();
    const agent = await registerAgent(a, ["progress-two"], 1);
    const { goalId, ids } = await createGoal(a, ["P"], "progress-two");
    const [p] = await pull(a, agent);
    expect(p!.subtask_uuid).toBe(ids.P);
    const received = new Map<string, ProgressPush[]>();
    const listen = async (name: string, server: RunningServer, goal?: string) => {
      const socket = await connect(server);
      received.set(name, []);
      socket.on("progress", (pushes) => received.get(name)!.push(...pushes));
      await subscribe(socket, goal);
    };
    await listen("roomOnA", a, goalId);
    await listen("roomOnB", b!, goalId);
    await listen("allOnB", b!);

    const report = async (server: RunningServer, output: string, progress: number) => {
      const res = await api(
        server,
        "POST",
        "/api/orchestration/progress",
        { subtask_uuid: p!.subtask_uuid, output, progress },
        agent.token,
      );
      expect(res.status).toBe(200);
    };
    await report(a, "one from A\n", 0.25);
    await report(b!, "two from B\n", 0.5);
    await report(a, "three from A\n", 0.75);
    const outputs = (name: string) => received.get(name)!.map((push) => push.output);
    const deadline = Date.now() + 15_000;
    while ((outputs("roomOnA").length < 3 || outputs("roomOnB").length < 3) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    for (const name of ["roomOnA", "roomOnB"]) {
      expect(outputs(name)).toEqual(["one from A\n", "two from B\n", "three from A\n"]);
      expect(received.get(name)!.map((push) => [push.subtask_id, push.progress])).toEqual([
        [p!.subtask_uuid, 0.25],
        [p!.subtask_uuid, 0.5],
        [p!.subtask_uuid, 0.75],
      ]);
    }
    expect(outputs("allOnB")).toEqual([]);
  });

  it("when the relay leader dies, the other instance takes over and its clients keep receiving", async () => {
    expect(b).toBeDefined();
    const onB = new Listener(await connect(b!));
    await subscribe(onB.socket);
    await a.kill(); // SIGKILL: its connections drop, the advisory lock is released
    const agent = await registerAgent(b!, ["after-crash"]);
    const { goalId } = await createGoal(b!, ["K"], "after-crash");
    const [k] = await pull(b!, agent);
    await complete(b!, agent, k!.subtask_uuid);
    await onB.waitFor((es) => es.some((e) => e.type === "goal.finished" && e.goal_id === goalId), "events after the leader died", 20_000);
    const seqs = onB.received.map((e) => e.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(isIncreasing(seqs)).toBe(true);
    const logged = (await api(b!, "GET", `/api/events?after=${seqs[0]! - 1}&limit=5000`)).body.events as LiveEvent[];
    expect(seqs).toEqual(logged.map((e) => e.seq).filter((s) => s <= seqs.at(-1)!));
  });
});

describe("socket authentication", () => {
  it("with an operator token configured, the handshake must present it (auth.token or the sign-in cookie)", async () => {
    const token = "live-test-operator-token-0123456789";
    const guarded = await startServer({ env: { ...SERVER_ENV, SWITCHYARD_OPERATOR_TOKEN: token } });
    try {
      await expect(connect(guarded)).rejects.toThrow(/unauthorized/);
      await expect(connect(guarded, { token: "wrong-token-wrong-token-wrong" })).rejects.toThrow(/unauthorized/);
      const withToken = await connect(guarded, { token });
      await subscribe(withToken);
      const viaCookie: Client = io(guarded.url, {
        transports: ["websocket"],
        reconnection: false,
        forceNew: true,
        extraHeaders: { cookie: `sy_operator=${operatorSessionValue(token)}` },
      });
      sockets.push(viaCookie);
      await new Promise<void>((resolve, reject) => {
        viaCookie.once("connect", () => resolve());
        viaCookie.once("connect_error", reject);
      });
      expect(viaCookie.connected).toBe(true);
    } finally {
      await guarded.stop();
    }
  });
});

describe("embedded database", () => {
  it("relays live events in one process with no adapter and no LISTEN, resume included", { timeout: 180_000 }, async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), "switchyard-live-embedded-"));
    const embedded = await startServer({ databaseUrl: "", env: { SWITCHYARD_DATA_DIR: dataDir, SWITCHYARD_DISABLE_SWEEP: "1" } });
    try {
      expect(embedded.output()).toContain("using the embedded database");
      const listener = new Listener(await connect(embedded));
      await subscribe(listener.socket);
      const agent = await registerAgent(embedded, ["emb"]);
      const { goalId } = await createGoal(embedded, ["E"], "emb");
      const [e] = await pull(embedded, agent);
      await complete(embedded, agent, e!.subtask_uuid);
      await listener.waitFor((es) => es.some((x) => x.type === "goal.finished" && x.goal_id === goalId), "the embedded goal finishing");
      const seqs = listener.received.map((x) => x.seq);
      expect(isIncreasing(seqs)).toBe(true);
      const reply = await resume(listener.socket, 0);
      expect(reply.events.map((x) => x.seq)).toEqual(seqs);
    } finally {
      await embedded.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
