// Writes domain events into the append-only log inside the caller's transaction, and a
// transaction helper that signals the relay only after the commit.
import { transaction, type TransactionOptions, type Tx } from "@/lib/db";
import { eventPayloadProblem, type DomainEvent, type EventType } from "@/lib/domain";
import { env } from "@/lib/env";
import { EVENTS_COMMITTED, NOTIFY_CHANNEL, eventBus } from "@/lib/events/bus";
import { OUTBOX_CTE } from "@/lib/webhooks/outbox"; // webhook deliveries, written with their events

export type { DomainEvent } from "@/lib/domain";

/** Writes one event into the transaction's log; only known types with their payloads type-check (lib/domain/events.ts). */
export type Emit = <T extends EventType>(event: DomainEvent<T>) => void;

/** jsonb refuses NUL and lone surrogates (e.g. an excerpt cut inside an emoji): replace them. */
function jsonbSafe(_key: string, value: unknown): unknown {
  if (typeof value !== "string") return value;
  return value.replace(/\u0000/g, "\uFFFD").replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
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

export async function insertEvents(tx: Tx, events: DomainEvent[]): Promise<void> {
  if (events.length === 0) return;
  if (env().NODE_ENV !== "production") checkPayloads(events);
  // One round trip: the rows, the webhook deliveries they make, and the NOTIFY that Postgres delivers at commit to every
  // instance listening (none if we roll back). The rows go as one JSON document (cheaper for the driver than six array
  // parameters, the payloads quoted twice over).
  const rows = events.map((e) => ({
    type: e.type,
    actor: e.actor,
    goal_id: e.goalId ?? null,
    subtask_id: e.subtaskId ?? null,
    agent_id: e.agentId ?? null,
    data: e.data ?? {},
  }));
  await tx.$executeRaw`
    WITH ins AS (
      INSERT INTO events (type, actor, goal_id, subtask_id, agent_id, data)
      SELECT * FROM json_to_recordset(${JSON.stringify(rows, jsonbSafe)}::json)
        AS e(type text, actor text, goal_id uuid, subtask_id uuid, agent_id uuid, data jsonb)
      RETURNING seq, type, actor, goal_id, subtask_id, agent_id, data, created_at
    ), ${OUTBOX_CTE}
    SELECT pg_notify(${NOTIFY_CHANNEL}, '') FROM (SELECT count(*) FROM ins) c`;
}

/**
 * Runs `fn` in one transaction; the events it emits are written in that transaction and
 * announced after it commits. Nothing is announced when it rolls back. `hotPath`: a pull's
 * or a completion's transaction (lib/db.ts).
 */
export async function withEvents<T>(fn: (tx: Tx, emit: Emit) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
  const events: DomainEvent[] = [];
  const result = await transaction(async (tx) => {
    const value = await fn(tx, (e) => events.push(e));
    await insertEvents(tx, events);
    return value;
  }, options);
  if (events.length > 0) eventBus().emit(EVENTS_COMMITTED, events.length);
  return result;
}
