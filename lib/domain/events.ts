// The domain events: one type name and one zod payload schema each, and the discriminated
// union built from them. Emitters (lib/orchestration via withEvents), the event log, the
// socket protocol (lib/realtime/protocol.ts), the typed client and the dashboard's cache
// effects (lib/ui/event-effects.ts) all use these types, so an emitter cannot write an
// unknown type or a wrong payload, and a consumer's `switch` over `type` is checked for
// exhaustiveness. Add a new event here, nowhere else.
import { z } from "zod";
import { GOAL_STATUSES, PAUSE_REASONS, SUBTASK_STATUSES, TERMINAL_GOAL_STATUSES } from "./statuses";
import { BULK_ACTIONS } from "./transitions";
import { AGGREGATION_STRATEGIES } from "./workflow";

const id = z.string().uuid();
const count = z.number().int().min(0);
const attempt = z.number().int().min(0);
const isoTime = z.string();
const goalStatus = z.enum(GOAL_STATUSES);
const subtaskStatus = z.enum(SUBTASK_STATUSES);

/** What a failed attempt (or a poison task) records: the sweep's timeouts write the same. */
const attemptFailed = z.object({
  status: z.enum(["retrying", "failed"]),
  error: z.string(),
  attempt: attempt.optional(),
  failures: count.optional(),
  next_attempt_at: isoTime.nullable().optional(),
  /** Set when the task failed because its agents went offline under it this many times. */
  lost: count.optional(),
});

export const EVENT_PAYLOADS = {
  "goal.created": z.object({
    template: z.string(),
    tasks: count,
    goal: z.string(),
    aggregation: z.enum(AGGREGATION_STRATEGIES).optional(),
  }),
  "goal.started": z.object({ status: z.literal("running") }),
  "goal.finished": z.object({ status: z.enum(TERMINAL_GOAL_STATUSES), steps_completed: count, steps_failed: count }),
  "goal.reopened": z.object({ status: z.literal("running"), previous_status: goalStatus }),
  "goal.cancelled": z.object({ status: z.literal("cancelled"), previous_status: goalStatus, tasks_cancelled: count }),

  "task.assigned": z.object({ status: z.literal("running"), attempt }),
  "task.completed": z.object({ status: z.literal("completed"), attempt, duration_ms: z.number().min(0) }),
  "task.failed": attemptFailed,
  "task.timed_out": attemptFailed,
  "task.requeued": z.object({ status: z.literal("pending"), reason: z.string(), attempt }),
  "task.ready": z.object({ status: z.literal("pending"), after: id }),
  "task.skipped": z.object({ status: z.literal("skipped"), because: id }),
  "task.retried": z.object({ status: z.enum(["pending", "waiting"]), previous_status: subtaskStatus }),
  "task.unskipped": z.object({ status: z.enum(["pending", "waiting"]), because: id }),
  "task.superseded": z.object({ attempt, to_agent: id }),
  "task.reassigned": z.object({
    status: z.literal("running"),
    from_agent: id.nullable(),
    to_agent: id,
    previous_status: subtaskStatus,
    attempt,
    superseded_attempt: attempt.nullable(),
  }),
  "task.cancelled": z.object({
    status: z.literal("cancelled"),
    previous_status: subtaskStatus,
    /** The running attempt the cancel ended, if any. */
    attempt: attempt.nullable().optional(),
    /** Why, when it was not the task itself that was cancelled ("goal cancelled"). */
    because: z.string().optional(),
  }),

  /** A completion added tasks to its goal (lib/orchestration/spawn.ts): who (the actor) spawned what. */
  "task.spawned": z.object({
    count: z.number().int().min(1),
    tasks: z.array(z.object({ id, key: z.string(), name: z.string() })),
    sinks: count,
    rewired: count,
  }),

  "webhook.created": z.object({ webhook_id: id, url: z.string(), events: z.array(z.string()) }),
  "webhook.deleted": z.object({ webhook_id: id, url: z.string() }),

  "agent.registered": z.object({ name: z.string(), skills: z.array(z.string()), capacity: z.number().int().min(1) }),
  "agent.online": z.object({}),
  "agent.offline": z.object({ last_heartbeat_before: isoTime }),
  "agent.unregistered": z.object({ released: count }),

  // Operators step in (issue 10): pause/resume, drain, approval gates, re-run, bulk actions.
  "goal.paused": z.object({
    status: z.literal("paused"),
    previous_status: goalStatus,
    reason: z.enum(PAUSE_REASONS),
    /** Open tasks held by the pause; running attempts finish and report. */
    tasks_held: count,
    tasks_running: count,
    at: isoTime,
  }),
  "goal.resumed": z.object({
    status: z.enum(["pending", "running"]),
    previous_reason: z.enum(PAUSE_REASONS).nullable(),
    tasks_released: count,
    at: isoTime,
  }),
  /** PATCH /api/goals/:id {budget}: the goal's limits now (null: no limit). */
  "goal.budget_changed": z.object({ max_cost_usd: z.number().nullable(), max_tokens: z.number().nullable(), at: isoTime }),
  "agent.drained": z.object({ drained: z.literal(true), running: count }),
  "agent.undrained": z.object({ drained: z.literal(false), running: count }),
  "task.awaiting_approval": z.object({ status: z.literal("awaiting_approval"), attempt, duration_ms: z.number().min(0) }),
  "task.approved": z.object({ status: z.literal("completed"), attempt, edited: z.boolean(), result_chars: count }),
  "task.rejected": z.object({ status: z.literal("pending"), attempt, feedback: z.string() }),
  /** A finished task (or one downstream of it) back to waiting/pending with a fresh budget. */
  "task.rerun": z.object({
    status: z.enum(["pending", "waiting"]),
    previous_status: subtaskStatus,
    from: id,
    description_changed: z.boolean(),
  }),
  /** One batch of POST /api/tasks/bulk: the filter, what changed and what was skipped. */
  "tasks.bulk": z.object({
    action: z.enum(BULK_ACTIONS),
    filter: z.record(z.string(), z.unknown()),
    batch: count,
    changed: count,
    skipped: count,
    agent_id: id.nullable(),
  }),
} as const satisfies Record<string, z.ZodObject>;

export type EventType = keyof typeof EVENT_PAYLOADS;
export const EVENT_TYPES = Object.keys(EVENT_PAYLOADS) as EventType[];
export type EventPayload<T extends EventType> = z.infer<(typeof EVENT_PAYLOADS)[T]>;

export function isEventType(value: unknown): value is EventType {
  return typeof value === "string" && Object.hasOwn(EVENT_PAYLOADS, value);
}

/** What an emitter writes (camelCase ids; the log stores them as columns). */
export type DomainEvent<T extends EventType = EventType> = T extends EventType
  ? {
      type: T;
      /** Who did it: `operator`, `agent:<uuid>` or `system`. */
      actor: string;
      goalId?: string | null;
      subtaskId?: string | null;
      agentId?: string | null;
    } & (Record<string, never> extends EventPayload<T> ? { data?: EventPayload<T> } : { data: EventPayload<T> })
  : never;

/** One entry of the event log, as pushed live and as returned by GET /api/events. */
export type LiveEvent<T extends EventType = EventType> = T extends EventType
  ? {
      seq: number;
      type: T;
      goal_id: string | null;
      subtask_id: string | null;
      agent_id: string | null;
      /** Who did it: `operator`, `agent:<uuid>` or `system`. */
      actor: string;
      data: EventPayload<T>;
      /** ISO 8601 */
      created_at: string;
    }
  : never;

const liveEnvelope = {
  seq: z.number().int().min(1),
  goal_id: id.nullable(),
  subtask_id: id.nullable(),
  agent_id: id.nullable(),
  actor: z.string(),
  created_at: isoTime,
};

/** The zod schema of one live event: a discriminated union on `type`. */
export const liveEventSchema = z.discriminatedUnion(
  "type",
  EVENT_TYPES.map((type) => z.object({ ...liveEnvelope, type: z.literal(type), data: EVENT_PAYLOADS[type] })) as unknown as [
    z.ZodObject,
    ...z.ZodObject[],
  ],
);

/** Checks an emitted event's payload against its schema; returns the problem, or null. */
export function eventPayloadProblem(event: { type: string; data?: unknown }): string | null {
  if (!isEventType(event.type)) return `unknown event type ${event.type}`;
  const parsed = EVENT_PAYLOADS[event.type].safeParse(event.data ?? {});
  if (parsed.success) return null;
  return `${event.type}: ${parsed.error.issues.map((i) => `${i.path.join(".") || "data"} ${i.message}`).join("; ")}`;
}
