// socket.io on the HTTP server of server.ts: live events to browsers, a room per goal
// plus `all` (protocol: lib/realtime/protocol.ts).
//
// Several instances on one Postgres: @socket.io/postgres-adapter carries every broadcast
// to the sockets of all instances (NOTIFY, Postgres stays the only service), and one
// instance — the relay leader, by advisory lock — reads the event log and broadcasts
// (lib/events/relay.ts). In embedded mode there is one instance: no adapter.
import type { Server as HttpServer } from "node:http";
import pg from "pg";
import { Server, type Socket } from "socket.io";
import { createAdapter } from "@socket.io/postgres-adapter";
import { z } from "zod";
import { env } from "@/lib/env";
import { isOperatorAuthEnabled, isOperatorHandshake, OPERATOR_COOKIE, readCookie } from "@/lib/auth/operator";
import { authRetryAfterS, recordAuthFailureFrom } from "@/lib/auth/auth-throttle";
import { checkRequest } from "@/lib/auth/request-guard";
import { errorFields, logger } from "@/lib/log";
import { recordEventFanout } from "@/lib/metrics";
import { readAllEvents, readRelayCursor, type LogEvent } from "@/lib/events/read";
import { startRelay, type Relay } from "@/lib/events/relay";
import { eventBus, PROGRESS_REPORTED } from "@/lib/events/bus";
import {
  ALL_ROOM,
  goalRoom,
  RESUME_MAX_EVENTS,
  type ClientToServerEvents,
  type ProgressPush,
  type ResumeReply,
  type ServerToClientEvents,
} from "@/lib/realtime/protocol";

/** Between instances: a batch of events the relay leader read, for each instance's own sockets. */
const RELAY_BATCH = "switchyard:events";
/** Between instances: one goal's progress pushes of a tick, for each instance's own sockets in its room. */
const PROGRESS_BATCH = "switchyard:progress";
interface ServerSideEvents {
  [RELAY_BATCH]: (events: LogEvent[]) => void;
  [PROGRESS_BATCH]: (pushes: ProgressPush[]) => void;
}
type IoServer = Server<ClientToServerEvents, ServerToClientEvents, ServerSideEvents>;

/**
 * Whether another instance is there to hear a server-side batch: the adapter counts the
 * instances it has heard from (a new one announces itself at start and is answered at
 * once). Answers at once, so what is sent after it keeps its order.
 */
function othersListening(io: IoServer): Promise<boolean> {
  return io
    .of("/")
    .adapter.serverCount()
    .then((servers) => servers > 1);
}

/** Consecutive chunks of items (events, pushes), each at most about `maxBytes` of JSON (at least one item). */
export function chunkBySize<T>(events: T[], maxBytes: number): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const event of events) {
    const bytes = Buffer.byteLength(JSON.stringify(event)) + 1;
    if (current.length > 0 && size + bytes > maxBytes) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(event);
    size += bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/**
 * An event small enough for one NOTIFY. (Larger ones would go through the adapter's
 * attachment table, whose extra round trip could reorder them.) Events are small; a
 * huge one crosses instances with its data trimmed (clients refetch what it touched).
 */
export function fitForNotify(event: LogEvent): LogEvent {
  if (Buffer.byteLength(JSON.stringify(event)) <= 6000) return event;
  const status = "status" in event.data ? { status: event.data.status } : {};
  // Not the type's payload any more: receivers only read the status and refetch the rest.
  return { ...event, data: { ...status, truncated: true } } as unknown as LogEvent;
}

/**
 * The adapter's pool. @socket.io/postgres-adapter 0.5 checks out one client to LISTEN and
 * gives it no `error` listener: when PostgreSQL terminates the session, the error is an
 * uncaughtException, the dead client is never returned to the pool (two restarts and the
 * pool is empty), and the instance never hears another broadcast. Here every client the
 * pool hands out gets an `error` listener and goes back to the pool (destroyed) when its
 * connection ends, so the adapter's own reconnect (on `end`) finds a fresh connection.
 */
export class ResilientPool extends pg.Pool {
  override connect(): Promise<pg.PoolClient>;
  override connect(callback: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void): void;
  override connect(
    callback?: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void,
  ): Promise<pg.PoolClient> | void {
    if (callback) return super.connect(callback);
    return super.connect().then((client) => guardClient(client));
  }
}

function guardClient(client: pg.PoolClient): pg.PoolClient {
  let released = false;
  const release = client.release.bind(client);
  client.release = (destroy?: boolean | Error) => {
    if (released) return;
    released = true;
    release(destroy);
  };
  client.on("error", (error) => logger().warn(errorFields(error), "socket.io adapter connection lost; reconnecting"));
  // Registered before the adapter's own `end` listener, so the slot is free when it reconnects.
  client.once("end", () => client.release(true));
  return client;
}

export interface Realtime {
  io: IoServer;
  relay: Relay;
  close: () => Promise<void>;
}

const subscribeSchema = z.strictObject({ goal_id: z.string().uuid().optional() });
const resumeSchema = z.strictObject({ after: z.number().int().min(0), goal_id: z.string().uuid().optional() });

function roomOf(request: { goal_id?: string }): string {
  return request.goal_id ? goalRoom(request.goal_id) : ALL_ROOM;
}

function problem(error: z.ZodError): string {
  const issue = error.issues[0]!;
  return `${issue.path.join(".") || "request"}: ${issue.message}`;
}

/** The operator, when a token is configured: `auth.token`, a Bearer header or the sign-in cookie (an HMAC of the token). */
function isAllowed(socket: Socket): boolean {
  return isOperatorHandshake(socket.handshake.headers, socket.handshake.auth);
}

export async function attachRealtime(httpServer: HttpServer, options: { embedded: boolean }): Promise<Realtime> {
  const io: IoServer = new Server(httpServer, {
    serveClient: false,
    // Every handshake (polling and WebSocket): a Host of ours, and a browser only from our
    // own origin (WebSockets have no CORS, so a foreign page could otherwise read the events).
    allowRequest: (req, callback) => {
      const refusal = checkRequest(req.method, req.headers, { always: true });
      callback(refusal ? `${refusal.code}: ${refusal.message}` : null, refusal === null);
    },
  });
  const databaseUrl = env().DATABASE_URL!;
  let adapterPool: pg.Pool | undefined;
  if (!options.embedded) {
    // Two connections: one LISTENs, one publishes (so publishes keep their order).
    adapterPool = new ResilientPool({ connectionString: databaseUrl, max: 2, application_name: "switchyard-socket.io", keepAlive: true });
    adapterPool.on("error", (e) => logger().warn(errorFields(e), "socket.io adapter pool: idle connection lost"));
    io.adapter(createAdapter(adapterPool, { errorHandler: (e) => logger().warn(errorFields(e), "socket.io adapter") }));
  }

  // A wrong token in the handshake counts as a failed authentication of the address, and
  // an address out of tries is refused before any token is compared (lib/auth/auth-throttle.ts).
  io.use((socket, next) => {
    if (!isOperatorAuthEnabled()) return next();
    const address = socket.handshake.address;
    const retryAfterS = authRetryAfterS(address);
    if (retryAfterS > 0) return next(new Error(`rate_limited: too many failed authentication attempts; retry in ${retryAfterS} s`));
    if (isAllowed(socket)) return next();
    const { headers, auth } = socket.handshake;
    const cookie = Array.isArray(headers.cookie) ? headers.cookie.join("; ") : headers.cookie;
    if (headers.authorization || readCookie(cookie, OPERATOR_COOKIE) !== undefined || (auth && typeof auth === "object" && "token" in auth))
      recordAuthFailureFrom(address);
    next(new Error("unauthorized: operator token required"));
  });

  io.on("connection", (socket) => {
    // The relay reads the log seldom while nobody listens: someone may, now. (It exists by
    // then: sockets connect once the server listens, after attachRealtime has returned.)
    relay.nudge();
    socket.on("subscribe", async (request, ack) => {
      const parsed = subscribeSchema.safeParse(request ?? {});
      if (!parsed.success) return ack?.({ ok: false, error: problem(parsed.error) });
      await socket.join(roomOf(parsed.data));
      ack?.({ ok: true });
    });
    socket.on("unsubscribe", async (request, ack) => {
      const parsed = subscribeSchema.safeParse(request ?? {});
      if (!parsed.success) return ack?.({ ok: false, error: problem(parsed.error) });
      await socket.leave(roomOf(parsed.data));
      ack?.({ ok: true });
    });
    socket.on("resume", async (request, ack) => {
      const reply = typeof ack === "function" ? ack : () => undefined;
      const parsed = resumeSchema.safeParse(request ?? {});
      if (!parsed.success) return reply({ ok: false, error: problem(parsed.error) });
      try {
        // Join first, then read: whatever the relay broadcast before the join is within
        // the bound of this read; whatever comes after it arrives live.
        await socket.join(roomOf(parsed.data));
        const missed = await readAllEvents({ after: parsed.data.after, goalId: parsed.data.goal_id, max: RESUME_MAX_EVENTS });
        const result: ResumeReply = {
          ok: true,
          events: missed.events,
          last_seq: missed.last_seq,
          truncated: missed.events.length >= RESUME_MAX_EVENTS,
        };
        reply(result);
      } catch (error) {
        logger().warn(errorFields(error), "resume failed");
        reply({ ok: false, error: "could not read the event log" });
      }
    });
  });

  // This instance's sockets get each event once, in seq order, whoever relayed it: the
  // relay emits in order, and a repeat after a change of leader is dropped here.
  // Counted from where the relay stood when this instance started, not from 0: the
  // leader sends its batches only to instances it has heard from (broadcast, below), so
  // the first batch this one gets may skip what its first sockets were owed, and a skip
  // is read from the log (RELAY_BATCH, below) only when there is a last seq to skip from.
  let deliveredSeq = (await readRelayCursor()).relayedSeq;
  const deliverLocally = (events: LogEvent[]) => {
    for (const event of events) {
      if (event.seq <= deliveredSeq) continue;
      deliveredSeq = event.seq;
      // One emit to both rooms: a socket in both gets the event once. None when no socket
      // of this instance is in either (socket.io would encode the packet all the same).
      const reached = deliveries(event);
      if (reached > 0) io.local.to(event.goal_id ? [ALL_ROOM, goalRoom(event.goal_id)] : ALL_ROOM).emit("event", event);
      recordEventFanout(reached);
    }
  };
  /** How many of this instance's sockets an event reaches (for the fan-out metric). */
  const deliveries = (event: LogEvent): number => {
    const rooms = io.of("/").adapter.rooms;
    const all = rooms.get(ALL_ROOM);
    let n = all?.size ?? 0;
    if (event.goal_id) for (const id of rooms.get(goalRoom(event.goal_id)) ?? []) if (!all?.has(id)) n++;
    return n;
  };
  // The other instances get the relay's batches through the adapter (NOTIFY), in order:
  // the adapter's pool has one connection for queries (the other LISTENs), so publishes
  // go out first in, first out, and each chunk stays under NOTIFY's payload limit.
  // A batch that skips seqs after this instance's last may follow a time its adapter was
  // not listening (a database restart): what it missed is read from the log first, so a
  // socket that stayed connected still gets every event, in order. (A skip can also be a
  // rolled-back transaction's seq: then the read finds nothing.)
  let fromOthers = Promise.resolve();
  io.on(RELAY_BATCH, (events: LogEvent[]) => {
    fromOthers = fromOthers.then(async () => {
      const first = events[0];
      if (first && first.seq > deliveredSeq + 1) {
        try {
          const missed = await readAllEvents({ after: deliveredSeq, max: RESUME_MAX_EVENTS });
          deliverLocally(missed.events.filter((e) => e.seq < first.seq));
        } catch (error) {
          logger().warn(errorFields(error), "cannot read the events this instance missed");
        }
      }
      deliverLocally(events);
    });
  });
  // Only when another instance is there to hear them (as for progress below): alone, each
  // batch was NOTIFYs that PostgreSQL queued and this instance's own LISTEN read back and
  // dropped, about one per 28 events. An instance that joins announces itself and is
  // counted from then on; one that missed batches meanwhile reads the gap from the log
  // (above).
  const broadcast = (events: LogEvent[]) => {
    deliverLocally(events);
    if (!adapterPool) return;
    void othersListening(io).then((others) => {
      if (others) for (const chunk of chunkBySize(events.map(fitForNotify), 6000)) io.serverSideEmit(RELAY_BATCH, chunk);
    });
  };
  // Anyone to tell: a socket on this instance, or another instance (with sockets or not).
  const listening = async () => io.of("/").sockets.size > 0 || (await othersListening(io));
  // Events the relay passed over unread were owed to no socket here: not to deliver later.
  const passed = (seq: number) => {
    deliveredSeq = Math.max(deliveredSeq, seq);
  };
  const relay = startRelay({ databaseUrl: options.embedded ? null : databaseUrl, broadcast, listening, passed });
  const stopProgress = relayProgress(io, adapterPool !== undefined);

  return {
    io,
    relay,
    close: async () => {
      stopProgress();
      await relay.stop();
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await adapterPool?.end().catch(() => undefined);
    },
  };
}

/**
 * Progress reports (issue 9) go to the goal's room on their own `progress` channel, not
 * through the event log: the reports of one tick are coalesced into one message per goal
 * (the latest progress per attempt wins; output chunks are kept in order). This
 * instance's sockets get them at once; the other instances get them as server-side
 * batches through the adapter, each chunk small enough for one NOTIFY, and hand them to
 * their own sockets. (`io.to(room).emit` through the adapter would deliver locally only
 * after its NOTIFY — or, past 8 kB, an INSERT and a NOTIFY — came back from PostgreSQL,
 * queued behind every other publish on the adapter's one connection: under a steady
 * stream of reports that queue, not the report, set the push latency.)
 */
function relayProgress(io: IoServer, acrossInstances: boolean): () => void {
  let queued: ProgressPush[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    const byGoal = new Map<string, ProgressPush[]>();
    for (const push of queued) {
      const list = byGoal.get(push.goal_id) ?? [];
      list.push(push);
      byGoal.set(push.goal_id, list);
    }
    queued = [];
    for (const [goalId, pushes] of byGoal) io.local.to(goalRoom(goalId)).emit("progress", pushes);
    if (!acrossInstances) return;
    // Only when another instance is there to hear it. Alone, every NOTIFY was work for
    // nothing: most of the server's socket writes under 32 agents streaming output.
    const groups = [...byGoal.values()];
    void othersListening(io).then((others) => {
      if (others) for (const pushes of groups) for (const chunk of chunkBySize(pushes, 6000)) io.serverSideEmit(PROGRESS_BATCH, chunk);
    });
  };
  const onReport = (push: ProgressPush) => {
    queued.push(push);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  const fromOthers = (pushes: ProgressPush[]) => {
    const goalId = pushes[0]?.goal_id;
    if (goalId) io.local.to(goalRoom(goalId)).emit("progress", pushes);
  };
  eventBus().on(PROGRESS_REPORTED, onReport);
  io.on(PROGRESS_BATCH, fromOthers);
  return () => {
    eventBus().off(PROGRESS_REPORTED, onReport);
    io.off(PROGRESS_BATCH, fromOthers);
  };
}
