// Reading the event log in seq order without ever skipping an event.
//
// A seq is taken from a sequence when an event row is inserted, but transactions commit
// in any order: seq 7 can be visible while seq 6 is still in flight (or was rolled back
// and will never exist). A reader that advanced past 7 would lose 6 for good. (Filtering
// on `xid < pg_snapshot_xmin(...)` alone does not prevent this: a transaction with an
// older xid can take a later seq.) So readers only go up to a *final* bound: every seq at
// or below it is either visible or a hole that can never fill. The bound is
//   - the contiguous run of visible seqs after the stored watermark, plus
//   - holes the relay has proven permanent (lib/events/relay.ts: once every transaction
//     that was running when the hole was seen has ended), recorded in event_relay.
import { Prisma, pooled, type DbOrTx } from "@/lib/db";
import type { LiveEvent } from "@/lib/realtime/protocol";
import type { Columns } from "@/lib/db/rows";

/** One entry of the log as sockets and GET /api/events carry it: the realtime protocol's shape. */
export type LogEvent = LiveEvent;

/** An events row as selected (`SELECT seq, type, …, created_at`). */
export type EventRow = Columns<"events", "seq" | "type" | "goal_id" | "subtask_id" | "agent_id" | "actor" | "data" | "created_at">;

export function toLogEvent(row: EventRow): LogEvent {
  // The log only holds what typed emitters wrote (lib/events/record.ts), so the row's type and data belong together.
  return {
    seq: Number(row.seq),
    type: row.type,
    goal_id: row.goal_id,
    subtask_id: row.subtask_id,
    agent_id: row.agent_id,
    actor: row.actor,
    data: row.data ?? {},
    created_at: row.created_at.toISOString(),
  } as LogEvent;
}

/** How far past the stored watermark one read scans for the contiguous run. */
const MAX_SCAN = 100_000;

/** The relay's stored cursors (0 before the migration row exists). */
export async function readRelayCursor(client: DbOrTx = pooled()): Promise<{ relayedSeq: number; finalSeq: number }> {
  const rows = await client.$queryRaw<
    Array<{ relayed_seq: bigint; final_seq: bigint }>
  >`SELECT relayed_seq, final_seq FROM event_relay WHERE id = 1`;
  return { relayedSeq: Number(rows[0]?.relayed_seq ?? 0), finalSeq: Number(rows[0]?.final_seq ?? 0) };
}

/**
 * The highest seq up to which the log is final (no event at or below it can still
 * appear), as a scalar subquery: a statement that reads other rows beside it gets the
 * bound of its own snapshot (every event up to it is reflected in what it read).
 */
export const FINAL_BOUND = Prisma.sql`(
    WITH start AS (SELECT COALESCE((SELECT GREATEST(relayed_seq, final_seq) FROM event_relay WHERE id = 1), 0) AS w),
    run AS (
      SELECT e.seq, lag(e.seq, 1, (SELECT w FROM start)) OVER (ORDER BY e.seq) AS prev
      FROM events e
      WHERE e.seq > (SELECT w FROM start) AND e.seq <= (SELECT w FROM start) + ${MAX_SCAN}
    )
    SELECT COALESCE(min(prev) FILTER (WHERE seq <> prev + 1), max(seq), (SELECT w FROM start)) FROM run
  )`;

/** The highest seq up to which the log is final: no event at or below it can still appear. */
export async function finalBound(client: DbOrTx = pooled()): Promise<number> {
  const rows = await client.$queryRaw<Array<{ bound: bigint }>>`SELECT ${FINAL_BOUND} AS bound`;
  return Number(rows[0]?.bound ?? 0);
}

export interface ReadEventsResult {
  events: LogEvent[];
  /** Pass as `after` next time: every event up to it (of the goal, if filtered) was returned. */
  last_seq: number;
}

/** Events after `after` (optionally of one goal), in seq order, never past the final bound. */
export async function readEvents(options: { after: number; goalId?: string; limit?: number }): Promise<ReadEventsResult> {
  const limit = Math.max(1, Math.min(options.limit ?? 500, 5000));
  const bound = await finalBound();
  if (bound <= options.after) return { events: [], last_seq: options.after };
  const rows = options.goalId
    ? await pooled().$queryRaw<EventRow[]>`
        SELECT seq, type, goal_id, subtask_id, agent_id, actor, data, created_at FROM events
        WHERE goal_id = ${options.goalId}::uuid AND seq > ${options.after} AND seq <= ${bound}
        ORDER BY seq LIMIT ${limit}`
    : await pooled().$queryRaw<EventRow[]>`
        SELECT seq, type, goal_id, subtask_id, agent_id, actor, data, created_at FROM events
        WHERE seq > ${options.after} AND seq <= ${bound}
        ORDER BY seq LIMIT ${limit}`;
  const events = rows.map(toLogEvent);
  const last = events.length === limit ? events[events.length - 1]!.seq : bound;
  return { events, last_seq: last };
}

/** Every event after `after` up to the final bound, page by page. */
export async function readAllEvents(options: {
  after: number;
  goalId?: string;
  pageSize?: number;
  max?: number;
}): Promise<ReadEventsResult> {
  const events: LogEvent[] = [];
  let after = options.after;
  const max = options.max ?? 50_000;
  for (;;) {
    const page = await readEvents({ after, goalId: options.goalId, limit: options.pageSize ?? 1000 });
    events.push(...page.events);
    const exhausted = page.last_seq === after || page.events.length < (options.pageSize ?? 1000);
    after = page.last_seq;
    if (exhausted || events.length >= max) break;
  }
  return { events, last_seq: after };
}
