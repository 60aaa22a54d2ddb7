// The outbox: every event a webhook subscribes to becomes a delivery row in the same
// transaction (and the same statement) that writes the event, so a delivery exists exactly
// when its event committed. The dispatcher (dispatcher.ts) sends them.
//
// A webhook subscribes by the event type it names (WEBHOOK_EVENT_TYPES in lib/domain):
// `task.failed` means a task that failed for good (an attempt's failure or timeout that
// leaves it failed, not retrying); `goal.budget_exceeded` is the log's `goal.paused` with
// reason budget_exceeded (or an event of that type); every other name is the log's own event type, so a
// type another part of the server starts to emit (task.awaiting_approval,
// goal.budget_exceeded) is delivered as soon as it is written.
import { Prisma } from "@/lib/db";

/**
 * Data-modifying CTE over `ins` (the inserted events: seq, type, actor, goal_id,
 * subtask_id, agent_id, data, created_at), for lib/events/record.ts.
 */
export const OUTBOX_CTE = Prisma.sql`
  outbox AS (
    INSERT INTO webhook_deliveries (webhook_id, event_id, event_type, payload)
    SELECT w.id, ins.seq::text, x.hook_type,
      jsonb_build_object('id', ins.seq::text, 'type', x.hook_type, 'event_type', ins.type, 'created_at', ins.created_at,
        'goal_id', ins.goal_id, 'subtask_id', ins.subtask_id, 'agent_id', ins.agent_id, 'actor', ins.actor, 'data', ins.data)
    FROM ins
    CROSS JOIN LATERAL (
      SELECT CASE WHEN ins.type IN ('task.failed', 'task.timed_out') THEN (CASE WHEN ins.data->>'status' = 'failed' THEN 'task.failed' END)
        WHEN ins.type = 'goal.paused' AND ins.data->>'reason' = 'budget_exceeded' THEN 'goal.budget_exceeded'
        ELSE ins.type END AS hook_type
    ) x
    JOIN webhooks w ON x.hook_type = ANY(w.events)
    RETURNING 1
  )`;
