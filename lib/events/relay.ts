// The relay: reads the event log in seq order and hands each new event to `broadcast`
// (socket.io, lib/realtime/server.ts), never skipping one and never going backwards.
//
// Wake-ups: the in-process bus (a commit in this process) and Postgres LISTEN on
// `switchyard_events` (a commit on any instance), coalesced, plus a slow fallback poll.
//
// One relay for many instances: the leader holds a session-level advisory lock on its
// own connection (the same one that LISTENs); the others try again every couple of
// seconds. When the leader dies its connection closes, the lock is released and another
// instance takes over from `event_relay.relayed_seq`, the last seq the old leader recorded
// as broadcast. Delivery is at least once: a leader that dies between broadcasting and
// recording means the next one repeats a few events, which clients drop by seq.
// In embedded (PGlite) mode there is one instance and one connection: no lock, no LISTEN.
//
// Gaps: seqs are taken at insert time but transactions commit in any order, so seq 7 can
// be visible while seq 6 is in flight or was rolled back (a hole that never fills). The
// relay broadcasts the contiguous run after its cursor; at a gap it notes the sequence's
// high mark and (a moment later) takes a fresh xid, and once every transaction older than
// that xid has ended (snapshot xmin above it) everything up to the high mark is final: it records
// that in event_relay.final_seq (before broadcasting past the hole, so stateless readers
// in lib/events/read.ts never stop short of what a socket got) and goes on.
import pg from "pg";
import { pooled } from "@/lib/db";
import { logger } from "@/lib/log";
import { EVENTS_COMMITTED, NOTIFY_CHANNEL, eventBus, registerRelay } from "@/lib/events/bus";
import { readRelayCursor, toLogEvent, type EventRow, type LogEvent } from "@/lib/events/read";

export const RELAY_LOCK_KEY = 7_351_990_003;
const PAGE = 1000;
const PERSIST_MS = 100;
const XID_MARGIN_MS = 2;

export interface RelayOptions {
  /** The database; null in embedded mode (no lock, no LISTEN: this process is the only one). */
  databaseUrl: string | null;
  broadcast: (events: LogEvent[]) => void;
  /**
   * Whether a broadcast would reach anyone now (a socket on this instance, another
   * instance). When not, the relay moves its cursor over the events (gaps and all, as
   * ever) without reading what they say. Default: always.
   */
  listening?: () => Promise<boolean>;
  /** The cursor moved over events up to `seq` that nobody was listening for (none broadcast). */
  passed?: (seq: number) => void;
  /** While nobody listens, how often the relay reads the log (a commit does not wake it then). */
  idlePollMs?: number;
  /** How often a follower tries to become the leader. */
  lockRetryMs?: number;
  /** A poll even without a wake-up (a lost NOTIFY, a slow hole). */
  fallbackPollMs?: number;
  log?: (message: string) => void;
}

export interface RelayStatus {
  leader: boolean;
  cursor: number;
  broadcast: number;
  pendingGap: boolean;
}

export interface Relay {
  status: () => RelayStatus;
  /** Someone may listen now (a socket connected): read the log at once, not at the next idle poll. */
  nudge: () => void;
  /** Resolves once this instance leads (tests). */
  whenLeader: () => Promise<void>;
  stop: () => Promise<void>;
}

export function startRelay(options: RelayOptions): Relay {
  const log = options.log ?? ((m: string) => logger().info(`relay: ${m}`));
  const lockRetryMs = options.lockRetryMs ?? 2000;
  let stopped = false;
  let leader = false;
  let client: pg.Client | null = null;
  let cursor = 0;
  let finalUpTo = 0;
  let pending: { hi: number; notedAt: number; xidBound: string | null } | null = null;
  let gapDelayMs = 2;
  let broadcastCount = 0;
  let running = false;
  let again = false;
  const timers = new Set<NodeJS.Timeout>();
  let leaderWaiters: Array<() => void> = [];

  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      if (!stopped) fn();
    }, ms);
    timers.add(t);
  };

  // While the last read found nobody listening, commits do not wake the relay: it reads
  // every idlePollMs (a busy server's every commit was a read and, each 100 ms, a cursor
  // write, for nobody). A socket that connects nudges it.
  let idle = false;
  let idleTimer: NodeJS.Timeout | null = null;
  const idlePollMs = options.idlePollMs ?? 250;
  const listening = options.listening ?? (async () => true);
  const wake = () => {
    if (!leader || stopped) return;
    if (idle) {
      idleTimer ??= setTimeout(() => {
        idleTimer = null;
        if (!idle) return;
        idle = false; // this read says whether it still is
        wake();
      }, idlePollMs);
      return;
    }
    if (running) {
      again = true;
      return;
    }
    running = true;
    void (async () => {
      try {
        do {
          again = false;
          if (await pollOnce()) again = true;
        } while (again && leader && !stopped);
      } catch (error) {
        if (!stopped) {
          log(`read failed, retrying: ${(error as Error).message}`);
          later(500, wake);
        }
      } finally {
        running = false;
      }
    })();
  };

  /** A page of the log after the cursor: whole rows, or (nobody listening) their seqs only. */
  function readPage(full: boolean): Promise<Array<Pick<EventRow, "seq"> | EventRow>> {
    return pooled().$queryRawUnsafe<Array<Pick<EventRow, "seq"> | EventRow>>(
      `SELECT ${full ? "seq, type, goal_id, subtask_id, agent_id, actor, data, created_at" : "seq"} FROM events WHERE seq > $1 ORDER BY seq LIMIT ${PAGE}`,
      cursor,
    );
  }

  /** One read: returns true when there may be more to read right away. */
  async function pollOnce(): Promise<boolean> {
    if (pending && pending.xidBound === null && Date.now() - pending.notedAt >= XID_MARGIN_MS) {
      // A fresh xid, a moment after the high mark was read: every transaction holding a
      // seq at or below the mark had its xid by then, so below this one. (Not the
      // snapshot's xmax: that is the latest *completed* xid + 1, and a running
      // transaction can be above it. The moment covers a transaction whose INSERT took
      // its seq just before the statement assigned its xid.)
      const xid = await pooled().$queryRawUnsafe<Array<{ xid: string }>>(`SELECT pg_current_xact_id()::text AS xid`);
      pending.xidBound = xid[0]!.xid;
    }
    if (pending?.xidBound) {
      const done = await pooled().$queryRawUnsafe<Array<{ done: boolean }>>(
        `SELECT pg_snapshot_xmin(pg_current_snapshot()) > $1::xid8 AS done`,
        pending.xidBound,
      );
      if (done[0]?.done) {
        finalUpTo = Math.max(finalUpTo, pending.hi);
        pending = null;
        gapDelayMs = 2;
        // Recorded before anything past the hole goes out (see lib/events/read.ts).
        await pooled().$executeRawUnsafe(
          `INSERT INTO event_relay (id, relayed_seq, final_seq) VALUES (1, 0, $1)
           ON CONFLICT (id) DO UPDATE SET final_seq = GREATEST(event_relay.final_seq, EXCLUDED.final_seq), updated_at = now()`,
          finalUpTo,
        );
      }
    }
    // Nobody to tell: the seqs only. Asked again after the read, since a socket that came
    // meanwhile may be owed some of these events (those committed after it subscribed):
    // then they are read again, in full. (One that comes after the second question is owed
    // none of them: each committed before this read began.)
    let full = await listening();
    let rows = await readPage(full);
    if (!full && (await listening())) rows = await readPage((full = true));
    idle = !full;
    const accepted: LogEvent[] = [];
    let next = cursor;
    let taken = 0;
    for (const row of rows) {
      const seq = Number(row.seq);
      if (seq !== next + 1 && seq > finalUpTo) break;
      if (full) accepted.push(toLogEvent(row as EventRow));
      taken++;
      next = seq;
    }
    const gap = taken < rows.length;
    if (!gap && rows.length < PAGE && finalUpTo > next) next = finalUpTo;
    if (gap) {
      if (!pending) {
        // The sequence's high mark now; the xid bound on a later poll (above).
        const hi = await pooled().$queryRawUnsafe<Array<{ hi: bigint }>>(`SELECT last_value AS hi FROM events_seq_seq`);
        pending = { hi: Number(hi[0]!.hi), notedAt: Date.now(), xidBound: null };
      }
      later(gapDelayMs, wake);
      gapDelayMs = Math.min(gapDelayMs * 2, 100);
    }
    if (accepted.length > 0) {
      broadcastCount += accepted.length;
      options.broadcast(accepted);
    } else if (!full && next !== cursor) options.passed?.(next);
    if (next !== cursor) {
      cursor = next;
      schedulePersist();
    }
    return !gap && rows.length === PAGE;
  }

  // The broadcast cursor is stored at most every PERSIST_MS (one small write, not one per
  // batch): a new leader may repeat up to that much, which clients drop by seq.
  let persistedSeq = -1;
  let persistTimer: NodeJS.Timeout | null = null;
  let lastPersistAt = 0;
  async function persistCursor(): Promise<void> {
    persistTimer = null;
    const seq = cursor;
    if (seq === persistedSeq) return;
    lastPersistAt = Date.now();
    try {
      await pooled().$executeRawUnsafe(
        `INSERT INTO event_relay (id, relayed_seq, final_seq) VALUES (1, $1, 0)
         ON CONFLICT (id) DO UPDATE SET relayed_seq = GREATEST(event_relay.relayed_seq, EXCLUDED.relayed_seq), updated_at = now()`,
        seq,
      );
      persistedSeq = seq;
    } catch (error) {
      if (!stopped) log(`cannot store the cursor: ${(error as Error).message}`);
    }
  }
  function schedulePersist(): void {
    if (persistTimer) return;
    const wait = Math.max(0, PERSIST_MS - (Date.now() - lastPersistAt));
    persistTimer = setTimeout(() => void persistCursor(), wait);
  }

  async function becomeLeader() {
    const stored = await readRelayCursor();
    cursor = stored.relayedSeq;
    persistedSeq = cursor;
    finalUpTo = Math.max(stored.finalSeq, stored.relayedSeq);
    pending = null;
    leader = true;
    log(`leading from seq ${cursor}`);
    for (const resolve of leaderWaiters) resolve();
    leaderWaiters = [];
    wake();
  }

  /** The relay connection `c` is gone (or unusable): follow, and campaign again later. */
  const lost = (why: string, c: pg.Client | null) => {
    if (c && client !== c) return; // an old connection's late error
    const wasLeader = leader;
    leader = false;
    client = null;
    if (c) {
      c.removeAllListeners();
      c.on("error", () => undefined);
      void c.end().catch(() => undefined);
    }
    if (stopped) return;
    if (wasLeader) log(`lost the lead (${why})`);
    later(lockRetryMs, () => void campaign());
  };

  async function campaign(): Promise<void> {
    if (stopped || leader) return;
    let c = client;
    try {
      if (!c) {
        const fresh = new pg.Client({ connectionString: options.databaseUrl!, application_name: "switchyard-relay" });
        fresh.on("error", (e) => lost(e.message, fresh));
        fresh.on("end", () => lost("connection closed", fresh));
        fresh.on("notification", (n) => {
          if (n.channel === NOTIFY_CHANNEL) wake();
        });
        client = c = fresh;
        await fresh.connect();
      }
      const got = await c.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1) AS ok", [RELAY_LOCK_KEY]);
      if (stopped) return;
      if (!got.rows[0]?.ok) {
        later(lockRetryMs, () => void campaign());
        return;
      }
      await c.query(`LISTEN ${NOTIFY_CHANNEL}`);
      await becomeLeader();
    } catch (error) {
      lost((error as Error).message, c);
    }
  }

  const onCommitted = () => wake();
  eventBus().on(EVENTS_COMMITTED, onCommitted);
  const unregister = registerRelay(() => leader);
  const fallback = setInterval(wake, options.fallbackPollMs ?? 1000);

  if (options.databaseUrl) void campaign();
  else void becomeLeader().catch((e) => log(`cannot start: ${(e as Error).message}`));

  return {
    status: () => ({ leader, cursor, broadcast: broadcastCount, pendingGap: pending !== null }),
    nudge: () => {
      idle = false;
      wake();
    },
    whenLeader: () => (leader ? Promise.resolve() : new Promise<void>((resolve) => leaderWaiters.push(resolve))),
    stop: async () => {
      stopped = true;
      leader = false;
      clearInterval(fallback);
      if (idleTimer) clearTimeout(idleTimer);
      for (const t of timers) clearTimeout(t);
      timers.clear();
      eventBus().off(EVENTS_COMMITTED, onCommitted);
      unregister();
      // What was broadcast is recorded before the lock goes, so the next leader repeats nothing.
      if (persistTimer) {
        clearTimeout(persistTimer);
        await persistCursor();
      }
      const c = client;
      client = null;
      c?.removeAllListeners();
      c?.on("error", () => undefined);
      // Closing the session releases the advisory lock: a follower takes over.
      await c?.end().catch(() => undefined);
    },
  };
}
