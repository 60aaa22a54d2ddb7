// Writes domain events into the append-only log inside the caller's transaction, and a
// transaction helper that signals the relay only after the commit.
import { db, type Tx } from "@/lib/db";
import { EVENTS_COMMITTED, NOTIFY_CHANNEL, eventBus } from "@/lib/events/bus";

export interface DomainEvent {
  type: string;
  actor: string;
  goalId?: string | null;
  subtaskId?: string | null;
  agentId?: string | null;
  data?: Record<string, unknown>;
}

export type Emit = (event: DomainEvent) => void;

/** jsonb refuses NUL and lone surrogates (e.g. an excerpt cut inside an emoji): replace them. */
function jsonbSafe(_key: string, value: unknown): unknown {
  if (typeof value !== "string") return value;
  return value.replace(/\u0000/g, "\uFFFD").replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
}

export async function insertEvents(tx: Tx, events: DomainEvent[]): Promise<void> {
  if (events.length === 0) return;
  // One round trip: the rows, and the NOTIFY that Postgres delivers at commit to every
  // instance listening (none if we roll back).
  await tx.$executeRaw`
    WITH ins AS (
      INSERT INTO events (type, actor, goal_id, subtask_id, agent_id, data)
      SELECT * FROM unnest(
        ${events.map((e) => e.type)}::text[], ${events.map((e) => e.actor)}::text[],
        ${events.map((e) => e.goalId ?? null)}::uuid[], ${events.map((e) => e.subtaskId ?? null)}::uuid[],
        ${events.map((e) => e.agentId ?? null)}::uuid[], ${events.map((e) => JSON.stringify(e.data ?? {}, jsonbSafe))}::jsonb[])
      RETURNING 1
    )
    SELECT pg_notify(${NOTIFY_CHANNEL}, '') FROM (SELECT count(*) FROM ins) c`;
}

/**
 * Runs `fn` in one transaction; the events it emits are written in that transaction and
 * announced after it commits. Nothing is announced when it rolls back.
 */
export async function withEvents<T>(fn: (tx: Tx, emit: Emit) => Promise<T>): Promise<T> {
  const events: DomainEvent[] = [];
  const result = await db().$transaction(
    async (tx) => {
      const value = await fn(tx, (e) => events.push(e));
      await insertEvents(tx, events);
      return value;
    },
    { maxWait: 20_000, timeout: 60_000 },
  );
  if (events.length > 0) eventBus().emit(EVENTS_COMMITTED, events.length);
  return result;
}
