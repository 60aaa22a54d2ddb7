import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { env } from "@/lib/env";
import { withEvents } from "@/lib/events/record";
import { readEvents } from "@/lib/events/read";
import { emitAny, type AnyEvent } from "@/lib/testing/events";
import { startRelay, type Relay } from "@/lib/events/relay";

let relay: Relay;
const received: AnyEvent[] = [];
const clients: pg.Client[] = [];
/** What the relay's `listening` answers: the scripted answers first, then !nobodyListens. */
let script: boolean[] = [];
let nobodyListens = false;
let passedUpTo = 0;

beforeAll(async () => {
  relay = startRelay({
    databaseUrl: env().DATABASE_URL!,
    broadcast: (events) => received.push(...events),
    listening: async () => script.shift() ?? !nobodyListens,
    passed: (seq) => (passedUpTo = Math.max(passedUpTo, seq)),
    idlePollMs: 60_000, // while nobody listens, only a nudge makes it read (in this file)
    lockRetryMs: 100,
    log: () => undefined,
  });
  await relay.whenLeader();
});

afterAll(async () => {
  await relay.stop();
  for (const c of clients) await c.end().catch(() => undefined);
});

async function session(): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: env().DATABASE_URL });
  await c.connect();
  clients.push(c);
  return c;
}

async function insertEvent(c: pg.Client, type: string): Promise<number> {
  const r = await c.query<{ seq: string }>(`INSERT INTO events (type, actor) VALUES ($1, 'test') RETURNING seq`, [type]);
  await c.query(`SELECT pg_notify('switchyard_events', '')`);
  return Number(r.rows[0]!.seq);
}

async function commitEvent(type: string): Promise<void> {
  await withEvents(async (_tx, emit) => emitAny(emit, { type, actor: "test" }));
}

async function until(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; received ${received.map((e) => `${e.seq}:${e.type}`).join(", ")}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Lets the relay run several polls (it is woken by the commit, then re-polls a gap within ms). */
const settle = () => new Promise((r) => setTimeout(r, 300));

const seqs = () => received.map((e) => e.seq);
const increasing = (list: number[]) => list.every((s, i) => i === 0 || s > list[i - 1]!);

describe("the event relay", () => {
  it("holds back a later seq while an earlier one is in flight, even when the later one's transaction is older", async () => {
    await commitEvent("warm.up");
    await until(() => received.some((e) => e.type === "warm.up"), "warm.up");

    const older = await session();
    const newer = await session();
    await older.query("BEGIN");
    await older.query("SELECT pg_current_xact_id()"); // the older xid
    await newer.query("BEGIN");
    const inFlight = await insertEvent(newer, "in.flight"); // earlier seq, newer xid
    const later = await insertEvent(older, "older.tx"); // later seq, older xid
    expect(later).toBeGreaterThan(inFlight);
    await older.query("COMMIT");
    // `xid < xmin` alone would let `later` through now (its xid is older than the running one).
    await settle();
    expect(seqs()).not.toContain(later);
    const read = await readEvents({ after: inFlight - 1 });
    expect(read.events.map((e) => e.seq)).not.toContain(later);
    expect(read.last_seq).toBeLessThan(inFlight);

    await newer.query("COMMIT");
    await until(() => seqs().includes(later), "the later event");
    const tail = seqs().filter((s) => s >= inFlight);
    expect(tail).toEqual([inFlight, later]);
    expect(increasing(seqs())).toBe(true);
    expect((await readEvents({ after: inFlight - 1 })).events.map((e) => e.seq)).toEqual([inFlight, later]);
  });

  it("passes over a hole left by a rolled-back transaction once it is final, and readers do too", async () => {
    const c = await session();
    await c.query("BEGIN");
    const hole = await insertEvent(c, "rolled.back");
    await c.query("ROLLBACK");
    await commitEvent("after.hole");
    await until(() => received.some((e) => e.type === "after.hole"), "the event after the hole");
    expect(seqs()).not.toContain(hole);
    const after = received.find((e) => e.type === "after.hole")!;
    expect(after.seq).toBeGreaterThan(hole);
    expect(increasing(seqs())).toBe(true);
    // The relay recorded the hole as final, so a stateless reader goes past it too.
    const read = await readEvents({ after: hole - 1 });
    expect(read.events.map((e) => e.type)).toEqual(["after.hole"]);
    expect(relay.status()).toMatchObject({ leader: true, pendingGap: false });
  });

  it("broadcasts a burst of concurrent commits once each, in seq order", async () => {
    const before = received.length;
    await Promise.all(Array.from({ length: 40 }, (_, i) => commitEvent(`burst.${i}`)));
    await until(() => received.filter((e) => e.type.startsWith("burst.")).length === 40, "the burst");
    const burst = received.slice(before).map((e) => e.seq);
    expect(new Set(burst).size).toBe(burst.length);
    expect(increasing(seqs())).toBe(true);
    const logged = await readEvents({ after: burst[0]! - 1, limit: 5000 });
    expect(logged.events.map((e) => e.seq)).toEqual(burst);
  });

  it("with nobody listening, moves over events unread and waits for a nudge; then broadcasts what was committed since", async () => {
    nobodyListens = true;
    try {
      await commitEvent("unheard");
      const unheard = (await readEvents({ after: 0, limit: 5000 })).events.find((e) => (e as AnyEvent).type === "unheard");
      await until(() => passedUpTo >= unheard!.seq, "the cursor to pass the unheard event");
    } finally {
      nobodyListens = false;
    }
    // Idle: a commit does not wake it (nor does the fallback poll); a nudge does.
    await commitEvent("heard");
    await settle();
    expect(received.some((e) => e.type === "heard")).toBe(false);
    relay.nudge();
    await until(() => received.some((e) => e.type === "heard"), "the event committed once someone listens");
    expect(received.some((e) => e.type === "unheard")).toBe(false);
  });

  it("reads in full what it read while nobody listened when someone came meanwhile", async () => {
    const c = await session();
    // Committed before the poll, with no wake-up: the poll below finds it.
    const seq = Number(
      (await c.query<{ seq: string }>(`INSERT INTO events (type, actor) VALUES ('came.meanwhile', 'test') RETURNING seq`)).rows[0]!.seq,
    );
    script = [false, true]; // nobody when the read starts, someone when it is done
    await c.query(`SELECT pg_notify('switchyard_events', '')`);
    await until(() => received.some((e) => e.seq === seq), "the event read again in full");
    expect(script).toEqual([]);
  });

  it("a second relay on the same database follows, and takes over from the stored cursor when the leader stops", async () => {
    const second: AnyEvent[] = [];
    const follower = startRelay({
      databaseUrl: env().DATABASE_URL!,
      broadcast: (events) => second.push(...events),
      lockRetryMs: 100,
      log: () => undefined,
    });
    try {
      await settle();
      expect(follower.status().leader).toBe(false);
      await commitEvent("while.following");
      await until(() => received.some((e) => e.type === "while.following"), "the leader's broadcast");
      await settle();
      expect(second).toEqual([]); // only the leader relays

      await relay.stop();
      await follower.whenLeader();
      await commitEvent("after.takeover");
      await until(() => second.some((e) => e.type === "after.takeover"), "the new leader's broadcast");
      expect(second.map((e) => e.type)).toEqual(["after.takeover"]); // nothing repeated, nothing skipped
    } finally {
      await follower.stop();
    }
  });
});
