// Writes domain events into the append-only log inside the caller's transaction, and a
// transaction helper that signals the relay only after the commit.
import { Prisma, pooled, transaction, type TransactionOptions, type Tx } from "@/lib/db";
import { errorFields, logger } from "@/lib/log";
import { eventPayloadProblem, type DomainEvent, type EventType } from "@/lib/domain";
import { env } from "@/lib/env";
import { EVENTS_COMMITTED, NOTIFY_CHANNEL, eventBus, relayLeadsHere } from "@/lib/events/bus";
import { OUTBOX_CTE } from "@/lib/webhooks/outbox"; // webhook deliveries, written with their events

export type { DomainEvent } from "@/lib/domain";

/**
 * Writes one event into the transaction's log; only known types with their payloads
 * type-check (lib/domain/events.ts). The events are written with the transaction's last
 * statement, in the order emitted.
 */
export interface Emit {
  <T extends EventType>(event: DomainEvent<T>): void;
  /**
   * Before a statement that writes events of its own (eventsCtes over rows it derives in
   * SQL, as a pull's `task.assigned`): writes the events emitted so far now, so the log
   * keeps the order things happened in.
   */
  flush(tx: Tx): Promise<void>;
  /** A statement of the transaction wrote events itself: its commit announces them. */
  logged(): void;
}

/** jsonb refuses NUL and lone surrogates (e.g. an excerpt cut inside an emoji): replace them. */
function jsonbSafe(_key: string, value: unknown): unknown {
  if (typeof value !== "string") return value;
  return value.replace(/\u0000/g, "\uFFFD").replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
}

/**
 * `value` as JSON that jsonb takes. The replacer is called for every value, so it runs only
 * when the plain text shows a NUL or a lone surrogate (JSON.stringify escapes both as
 * `\u…`; a pair stays as it is): most payloads have neither.
 */
function jsonbText(value: unknown): string {
  const plain = JSON.stringify(value);
  return /\\u0000|\\ud[89a-f]/i.test(plain) ? JSON.stringify(value, jsonbSafe) : plain;
}

/**
 * Outside production every payload of a known type is checked against its schema, so a
 * test fails at the emitter that drifted from lib/domain/events.ts. (Types the domain
 * does not know only get past the compiler in tests of the log itself.)
 */
function checkPayloads(events: DomainEvent[]): void {
  for (const event of events) {
    const problem = eventPayloadProblem(event);
    if (problem && !problem.startsWith("unknown event type"))
      throw new Error(`event payload does not match lib/domain/events.ts: ${problem}`);
  }
}

/**
 * `events` as the rows of a SELECT (type, actor, goal_id, subtask_id, agent_id, data), in
 * order. The rows go as one JSON document (cheaper for the driver than six array
 * parameters, the payloads quoted twice over).
 */
export function emittedEvents(events: DomainEvent[]): Prisma.Sql {
  if (env().NODE_ENV !== "production") checkPayloads(events);
  const rows = events.map((e) => ({
    type: e.type,
    actor: e.actor,
    goal_id: e.goalId ?? null,
    subtask_id: e.subtaskId ?? null,
    agent_id: e.agentId ?? null,
    data: e.data ?? {},
  }));
  return Prisma.sql`SELECT * FROM json_to_recordset(${jsonbText(rows)}::json)
    AS e(type text, actor text, goal_id uuid, subtask_id uuid, agent_id uuid, data jsonb)`;
}

/** CTEs: `ins`, the rows of `source` (as emittedEvents gives them) written into the log, and the webhook deliveries they make. */
export function eventsCtes(source: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`ins AS (
      INSERT INTO events (type, actor, goal_id, subtask_id, agent_id, data) ${source}
      RETURNING seq, type, actor, goal_id, subtask_id, agent_id, data, created_at
    ), ${OUTBOX_CTE}`;
}

/** The statement that writes `events` (none when there are none): the rows and their webhook deliveries, in one round trip. */
function eventsStatement(events: DomainEvent[]): Prisma.Sql | undefined {
  if (events.length === 0) return undefined;
  return Prisma.sql`WITH ${eventsCtes(emittedEvents(events))} SELECT count(*) FROM ins`;
}

let notifying = false;
let notifyAgain = false;

/**
 * Wakes the relay leader once events are committed: this process's relay through the event
 * bus; when it does not lead, the leader elsewhere with a NOTIFY sent after the commit,
 * outside any transaction. A NOTIFY
 * inside the transaction would take the database's notification lock, which PostgreSQL holds
 * through the commit and its WAL flush so that notifications queue in commit order: every
 * notifying commit in the database waits its turn on it (in the 100×100 DAG, the largest
 * wait of all). One lost (a crash right after the commit) delays the other instances' live
 * view until their relay's fallback poll (lib/events/relay.ts).
 */
function announceCommitted(): void {
  eventBus().emit(EVENTS_COMMITTED);
  if (!relayLeadsHere()) notifyOthers(pooled());
}

/** One NOTIFY at a time: the commits made while one is on its way send one more after it, on the same pool. */
function notifyOthers(sql: Tx): void {
  if (notifying) {
    notifyAgain = true;
    return;
  }
  notifying = true;
  sql
    .$queryRawUnsafe(`SELECT pg_notify('${NOTIFY_CHANNEL}', '')`)
    .catch((error: unknown) => {
      // After disconnectDb (shutdown, a test's end) there is nobody left to tell.
      if (!/after calling end/.test(String(error)))
        logger().warn({ err: errorFields(error) }, "could not notify the other instances of committed events");
    })
    .finally(() => {
      notifying = false;
      if (notifyAgain) {
        notifyAgain = false;
        notifyOthers(sql);
      }
    });
}

/**
 * A transaction's last statement written around its events: `build` gets the SELECT of the
 * events emitted so far (emittedEvents) and answers a statement that writes them (eventsCtes)
 * with whatever else it does. It is sent with COMMIT, in one round trip;
 * its rows come back once the transaction has committed. At most one per transaction.
 */
export type Finish = <R>(build: (emitted: Prisma.Sql) => Prisma.Sql) => Promise<R[]>;

/**
 * Runs `fn` in one transaction; the events it emits are written in that transaction (its
 * last statement, sent with COMMIT) and announced after it commits. Nothing is announced
 * when it rolls back. `hotPath`: a pull's or a completion's transaction (lib/db.ts).
 */
export async function withEvents<T>(fn: (tx: Tx, emit: Emit, finish: Finish) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
  const events: DomainEvent[] = [];
  let last: { build: (emitted: Prisma.Sql) => Prisma.Sql; answer: (rows: unknown[]) => void; fail: (error: unknown) => void } | undefined;
  const finish: Finish = <R>(build: (emitted: Prisma.Sql) => Prisma.Sql) => {
    if (last) throw new Error("a transaction has one last statement");
    const rows = new Promise<R[]>((answer, fail) => (last = { build, answer: answer as (rows: unknown[]) => void, fail }));
    rows.catch(() => undefined); // the caller awaits it only once the transaction has committed
    return rows;
  };
  let written = false;
  const emit = ((event: DomainEvent) => void events.push(event)) as Emit;
  emit.flush = async (tx) => {
    const sql = eventsStatement(events.splice(0));
    if (!sql) return;
    written = true;
    await tx.$queryRaw(sql);
  };
  emit.logged = () => void (written = true);
  let result: T;
  try {
    result = await transaction((tx) => fn(tx, emit, finish), {
      ...options,
      commitWith: () => {
        if (!last) {
          const sql = eventsStatement(events);
          return sql && { sql };
        }
        return { sql: last.build(emittedEvents(events)), answer: last.answer };
      },
    });
  } catch (error) {
    last?.fail(error);
    throw error;
  }
  if (events.length > 0 || last || written) announceCommitted();
  return result;
}
