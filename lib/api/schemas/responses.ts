// The response bodies of the HTTP API as zod schemas: the OpenAPI document's response
// schemas come from here (lib/api/openapi.ts), the contract test checks every real
// response against that document (lib/api/contract.test.ts), and the typed client's
// response types are inferred from them (z.infer, type-only imports).
import { z } from "zod";
import {
  AGENT_STATUSES,
  AGGREGATION_STRATEGIES,
  ATTEMPT_OUTCOMES,
  BULK_ACTIONS,
  GOAL_STATUSES,
  PAUSE_REASONS,
  SUBTASK_KINDS,
  SUBTASK_STATUSES,
  TERMINAL_GOAL_STATUSES,
  liveEventSchema,
} from "@/lib/domain";
import { PRIORITY_NAMES } from "@/lib/orchestration/types";

const uuid = z.string().uuid();
const time = z.iso.datetime({ offset: true });
const nullableTime = time.nullable();
const int = z.number().int();
const count = z.number().int().min(0);
const subtaskStatus = z.enum(SUBTASK_STATUSES);
const goalStatus = z.enum(GOAL_STATUSES);
const priority = z.enum(PRIORITY_NAMES);
const skills = z.array(z.string());

export const errorResponse = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      field: z.string().optional().meta({ description: "the offending field, e.g. plan.tasks[2].depends_on[0]" }),
    }),
  })
  .meta({ id: "Error" });

export const registerResponse = z
  .object({
    agent_id: uuid,
    name: z.string(),
    token: z.string().meta({ description: "Bearer token for this agent's calls (`<agent_id>.<secret>`); shown only here" }),
    skills,
    capacity: int,
  })
  .meta({ id: "RegisterResponse" });

export const createdSubtask = z
  .object({
    uuid,
    key: z.string(),
    name: z.string(),
    description: z.string(),
    priority,
    required_skills: skills,
    estimated_duration_s: int,
    critical_path_s: int,
    max_attempts: int,
    timeout_s: int,
    dependencies: z.array(uuid),
    depends_on: z.array(z.string()),
    status: z.enum(["waiting", "pending"]),
    approval: z.boolean().meta({ description: "approval gate: a completed attempt waits for the operator" }),
    output_schema: z.record(z.string(), z.unknown()).nullable().meta({ description: "the JSON Schema every result must match" }),
  })
  .meta({ id: "CreatedSubtask" });

export const decomposeResponse = z
  .object({
    goal_id: uuid.nullable().meta({ description: "null for a dry run" }),
    template: z.string(),
    subtasks: z.array(createdSubtask),
  })
  .meta({ id: "DecomposeResponse" });

export const assignment = z
  .object({
    subtask_uuid: uuid,
    goal_id: uuid,
    agent_id: uuid,
    attempt: int,
    key: z.string(),
    name: z.string(),
    description: z.string(),
    required_skills: skills,
    priority,
    timeout_s: int,
    deadline_at: time,
    goal: z.string(),
    context: z.string().nullable(),
    inputs: z
      .array(z.object({ key: z.string(), name: z.string(), result: z.string().nullable() }))
      .meta({ description: "Results of the task's direct dependencies" }),
    previous_attempt: z
      .object({
        number: int,
        outcome: z.enum(ATTEMPT_OUTCOMES),
        result: z.string().nullable(),
        error: z.string().nullable(),
        feedback: z.string().nullable(),
      })
      .nullable()
      .optional()
      .meta({
        description:
          "The previous attempt when it did not stand (rejected with feedback, failed, timed out), so the agent can do better; null on a first attempt (older servers omit it)",
      }),
    feedback: z
      .string()
      .nullable()
      .optional()
      .meta({ description: "The operator's feedback on the rejected previous attempt (older servers omit it)" }),
  })
  .meta({ id: "Assignment" });

export const assignResponse = z.object({ assignments: z.array(assignment) }).meta({ id: "AssignResponse" });

export const subtask = z
  .object({
    uuid,
    goal_id: uuid,
    key: z.string(),
    name: z.string(),
    description: z.string(),
    required_skills: skills,
    priority,
    priority_level: int,
    estimated_duration_s: int,
    critical_path_s: int,
    status: subtaskStatus,
    attempt: int,
    failures: int,
    max_attempts: int,
    timeout_s: int,
    agent_id: uuid.nullable(),
    agent_name: z.string().nullable(),
    result: z.string().nullable(),
    error: z.string().nullable(),
    dependencies: z.array(uuid),
    created_at: time,
    ready_at: nullableTime,
    started_at: nullableTime,
    finished_at: nullableTime,
    deadline_at: nullableTime,
    next_attempt_at: nullableTime,
    kind: z
      .enum(SUBTASK_KINDS)
      .meta({ description: "task, or the goal's planning task (planner agent), or its aggregate task (aggregation agent)" }),
    spawned_by: uuid.nullable().meta({ description: "the task whose completion spawned this one" }),
    held: z.boolean().meta({ description: "its goal is paused: no new attempt starts until it resumes" }),
    approval: z.boolean().meta({ description: "approval gate: a completed attempt waits for the operator (awaiting_approval)" }),
    output_schema: z.record(z.string(), z.unknown()).nullable(),
    // Issue 9: a running task's latest progress report (null otherwise).
    progress: z.number().min(0).max(1).nullable(),
    message: z.string().nullable(),
    /** In a goal's detail: open, and no live agent's skills cover it. */
    unroutable: z.boolean().optional().meta({ description: "in a goal's detail: open, and no live agent's skills cover it" }),
  })
  .meta({ id: "Subtask" });

export const usage = z
  .object({ input_tokens: count, output_tokens: count, cost_usd: z.number().min(0), model: z.string().nullable() })
  .meta({ id: "Usage" });

const progress = z.number().min(0).max(1).nullable();

export const attemptView = z
  .object({
    number: int,
    agent_id: uuid,
    agent_name: z.string(),
    outcome: z.enum(ATTEMPT_OUTCOMES),
    result: z.string().nullable(),
    error: z.string().nullable(),
    feedback: z.string().nullable().meta({ description: "the operator's feedback on a rejected attempt" }),
    started_at: time,
    ended_at: nullableTime,
    progress,
    message: z.string().nullable(),
    usage,
    output_bytes: count,
    dropped_bytes: count,
  })
  .meta({ id: "Attempt" });

export const subtaskDetail = subtask
  .extend({
    progress: progress.meta({ description: "the current attempt's last reported progress" }),
    message: z.string().nullable().meta({ description: "the current attempt's last message" }),
    usage: usage.meta({ description: "summed over every attempt" }),
    attempts: z.array(attemptView),
  })
  .meta({ id: "SubtaskDetail" });

export const progressResponse = z
  .object({
    subtask_uuid: uuid,
    attempt: int,
    progress,
    message: z.string().nullable(),
    output_bytes: count.meta({ description: "bytes of output this attempt streamed so far" }),
    dropped_bytes: count.meta({ description: "bytes cut from the front of the stored output (the store keeps the last 256 KiB)" }),
    usage,
    goal_paused: z
      .boolean()
      .meta({ description: "this report's usage passed the goal's budget: the goal is now paused (budget_exceeded)" }),
  })
  .meta({ id: "ProgressResponse" });

export const completeResponse = z.object({ subtask: subtaskDetail, released: z.array(uuid) }).meta({ id: "CompleteResponse" });
export const failResponse = z.object({ subtask: subtaskDetail }).meta({ id: "FailResponse" });

export const completeBatchResponse = z
  .object({
    results: z.array(
      z.union([
        z.object({ subtask_uuid: z.string(), ok: z.literal(true), status: subtaskStatus, repeated: z.boolean(), released: z.array(uuid) }),
        z.object({
          subtask_uuid: z.string(),
          ok: z.literal(false),
          status: int.meta({ description: "the HTTP status this item would have had alone" }),
          error: errorResponse.shape.error,
        }),
      ]),
    ),
  })
  .meta({ id: "CompleteBatchResponse" });

export const heartbeatResponse = z.object({ agent_id: uuid, status: z.enum(AGENT_STATUSES) }).meta({ id: "HeartbeatResponse" });
export const unregisterResponse = z.object({ agent_id: uuid, released: z.array(uuid) }).meta({ id: "UnregisterResponse" });

const countsOf = <T extends readonly [string, ...string[]]>(keys: T) =>
  z.object({ ...Object.fromEntries(keys.map((k) => [k, count])), total: count } as Record<T[number] | "total", typeof count>);

export const statusResponse = z
  .object({
    agents: z.object({ total: count, idle: count, busy: count, offline: count, capacity: count, running: count }),
    tasks: countsOf(SUBTASK_STATUSES),
    goals: countsOf(GOAL_STATUSES),
    unroutable: count.meta({ description: "open tasks whose required skills no live agent covers" }),
  })
  .meta({ id: "StatusResponse" });

export const goalSummary = z
  .object({
    id: uuid,
    goal: z.string(),
    context: z.string().nullable(),
    status: goalStatus,
    pause_reason: z.enum(PAUSE_REASONS).nullable().meta({ description: "why a paused goal is paused" }),
    template: z.string(),
    aggregation: z.enum(AGGREGATION_STRATEGIES).meta({ description: "how the goal's results combine into its final output" }),
    created_at: time,
    started_at: nullableTime,
    finished_at: nullableTime,
    elapsed_ms: z.number(),
    tasks: countsOf(SUBTASK_STATUSES),
    progress: z.number().min(0).max(1),
  })
  .meta({ id: "GoalSummary" });

export const goalsResponse = z
  .object({
    goals: z.array(goalSummary),
    next_cursor: z.string().nullable().meta({ description: "pass as cursor for the next page; null on the last one" }),
  })
  .meta({ id: "GoalsResponse" });

export const aggregatedResult = z
  .object({
    strategy: z.enum(AGGREGATION_STRATEGIES),
    status: z.enum(TERMINAL_GOAL_STATUSES),
    steps_completed: count,
    steps_failed: count,
    steps_skipped: count,
    steps_cancelled: count,
    outputs: z.array(
      z.object({
        key: z.string(),
        name: z.string(),
        status: subtaskStatus,
        result: z.string().nullable(),
        error: z.string().nullable(),
        agent: z.string().nullable(),
      }),
    ),
    final_output: z.string(),
    value: z
      .unknown()
      .optional()
      .meta({ description: "the combined JSON value (json_merge, json_array; agent and last when their result is JSON)" }),
    error: z.string().optional().meta({ description: "why the strategy could not combine every result (e.g. a result that is not JSON)" }),
  })
  .meta({ id: "AggregatedResult" });

// Issue 9: usage summed over a goal's (or an agent's) attempts, and a goal's budget.
export const usageTotals = z.object({ input_tokens: count, output_tokens: count, cost_usd: z.number().min(0) }).meta({ id: "UsageTotals" });
export const budget = z
  .object({ max_cost_usd: z.number().min(0).nullable(), max_tokens: count.nullable() })
  .meta({ id: "Budget", description: "the goal pauses (reason budget_exceeded) once its usage passes either limit" });

export const goalDetail = goalSummary
  .extend({
    result: aggregatedResult.nullable(),
    usage: usageTotals,
    budget: budget.nullable(),
    unroutable: z.array(z.string()).meta({ description: 'why open tasks wait, e.g. "2 tasks wait for an agent with skill `translation`"' }),
    subtasks: z.array(subtask),
    edges: z.array(z.object({ from: uuid, to: uuid })),
    last_seq: count.meta({
      description:
        "The event log's seq this read reflects: every event up to it is in the answer (a live view applies the later ones, except reflected_seqs)",
    }),
    reflected_seqs: z.array(count).meta({
      description:
        "Events of this goal after last_seq that the answer already reflects (committed while an earlier event was still in flight): a live view applies every later event except these",
    }),
  })
  .meta({ id: "GoalDetail" });

export const goalEnvelope = z.object({ goal: goalDetail }).meta({ id: "GoalEnvelope" });

export const workflowResult = z
  .object({
    workflow_id: uuid,
    goal: z.string(),
    status: goalStatus,
    aggregation: z.enum(AGGREGATION_STRATEGIES),
    result: z.object({
      strategy: z.enum(AGGREGATION_STRATEGIES),
      final_output: z.string(),
      value: aggregatedResult.shape.value,
      error: aggregatedResult.shape.error,
      outputs: aggregatedResult.shape.outputs.meta({ description: "every task's result in dependency order, spawned tasks included" }),
    }),
    steps_completed: count,
    steps_failed: count,
    steps_skipped: count,
    steps_cancelled: count,
    steps_total: count,
    total_time_ms: z.number().min(0),
    agents_used: z.array(z.string()),
    nodes_used: z.array(z.string()),
    failures: z.array(z.object({ key: z.string(), name: z.string(), error: z.string().nullable(), attempts: int })),
    started_at: nullableTime,
    finished_at: nullableTime,
  })
  .meta({ id: "WorkflowResult" });

export const retryResponse = z.object({ subtask: subtaskDetail, unskipped: z.array(uuid) }).meta({ id: "RetryResponse" });
export const reassignResponse = z
  .object({
    subtask: subtaskDetail,
    assignment,
    superseded_attempt: int.nullable().meta({ description: "the attempt number that was superseded (a running task), or null" }),
  })
  .meta({ id: "ReassignResponse" });
export const cancelTaskResponse = z.object({ subtask: subtaskDetail, skipped: z.array(uuid) }).meta({ id: "CancelTaskResponse" });

export const agentView = z
  .object({
    id: uuid,
    name: z.string(),
    skills,
    capacity: int,
    context_id: z.string().nullable(),
    status: z.enum(AGENT_STATUSES),
    running: count,
    drained: z.boolean().meta({ description: "drained: pulls no new work until undrained" }),
    load: z.number().min(0),
    tasks_done: count,
    tasks_failed: count,
    mean_duration_ms: z.number().nullable(),
    registered_at: time,
    last_heartbeat_at: time,
    heartbeat_age_ms: z.number(),
    usage: usageTotals,
  })
  .meta({ id: "Agent" });

export const skillsResponse = z
  .object({
    skills: z.array(
      z.object({
        skill: z.string(),
        demanded: count.meta({ description: "open tasks that require it" }),
        offered: count.meta({ description: "live agents that have it" }),
      }),
    ),
    unroutable: count.meta({ description: "open tasks no live agent's skills cover" }),
  })
  .meta({ id: "SkillsResponse" });

export const timelineResponse = z
  .object({
    now: z.number().meta({ description: "server time, epoch ms" }),
    tasks: z.array(z.object({ id: uuid, key: z.string(), name: z.string(), status: subtaskStatus, ready: z.number().nullable() })),
    agents: z.array(z.object({ id: uuid, name: z.string() })),
    attempts: z.array(
      z.object({
        task: count.meta({ description: "index into tasks" }),
        number: int,
        agent: count.meta({ description: "index into agents" }),
        outcome: z.string(),
        queued: z.number().meta({ description: "when the task was ready for this attempt (epoch ms): queue wait = started - queued" }),
        started: z.number(),
        ended: z.number().nullable(),
      }),
    ),
  })
  .meta({ id: "Timeline" });

export const agentsResponse = z.object({ agents: z.array(agentView) }).meta({ id: "AgentsResponse" });

const tensorShape = z.tuple([count, count, z.literal(4)]);
export const tensorResponse = z
  .discriminatedUnion("format", [
    z.object({
      format: z.literal("dense"),
      shape: tensorShape,
      task_ids: z.array(uuid),
      agent_ids: z.array(uuid),
      data: z.array(z.array(z.array(z.number()))),
    }),
    z.object({
      format: z.literal("sparse"),
      shape: tensorShape,
      task_ids: z.array(uuid),
      agent_ids: z.array(uuid),
      entries: z.array(z.tuple([count, count, count, z.number()])).meta({ description: "[task row, agent column, priority level, value]" }),
    }),
  ])
  .meta({ id: "TensorResponse" });

export const tensorLabelsResponse = z
  .object({
    shape: tensorShape,
    tasks: z.array(z.object({ id: uuid, key: z.string(), name: z.string(), goal_id: uuid.nullable() })),
    agents: z.array(z.object({ id: uuid, name: z.string() })),
  })
  .meta({ id: "TensorLabelsResponse" });

export const eventsResponse = z
  .object({
    events: z.array(liveEventSchema),
    last_seq: count.meta({ description: "Ask again after this seq; every event up to it has been returned" }),
  })
  .meta({ id: "EventsResponse" });

const bucket = z.object({ minute: time, completed: count, failed: count });
export const throughputResponse = z
  .object({ minutes: int, from: time, buckets: z.array(bucket), totals: z.object({ completed: count, failed: count }) })
  .meta({ id: "ThroughputResponse" });
export const agentThroughputResponse = z
  .object({ minutes: int, from: time, agents: z.array(z.object({ agent_id: uuid, buckets: z.array(bucket) })) })
  .meta({ id: "AgentThroughputResponse" });

export const sessionResponse = z.object({ auth_required: z.boolean(), signed_in: z.boolean() }).meta({ id: "SessionResponse" });
export const healthResponse = z.object({ status: z.literal("ok"), time }).meta({ id: "HealthResponse" });
export const openApiResponse = z.object({ openapi: z.string() }).loose().meta({ id: "OpenApiDocument" });

// ── Operators step in (issue 10) ──────────────────────────────────────────────────────
export const pauseGoalResponse = z
  .object({
    goal: goalDetail,
    tasks_held: count.meta({ description: "open tasks now held" }),
    tasks_running: count.meta({ description: "attempts running when the pause took hold: they finish and report" }),
  })
  .meta({ id: "PauseGoalResponse" });
export const resumeGoalResponse = z.object({ goal: goalDetail, tasks_released: count }).meta({ id: "ResumeGoalResponse" });
export const agentEnvelope = z.object({ agent: agentView }).meta({ id: "AgentEnvelope" });
export const approveTaskResponse = z
  .object({
    subtask: subtaskDetail,
    edited: z.boolean().meta({ description: "the operator's result replaced the agent's" }),
    released: z.array(uuid),
  })
  .meta({ id: "ApproveTaskResponse" });
export const rejectTaskResponse = z.object({ subtask: subtaskDetail, rejected_attempt: int }).meta({ id: "RejectTaskResponse" });
export const rerunTaskResponse = z
  .object({ subtask: subtaskDetail, reset: z.array(uuid).meta({ description: "every task reset: the task, then its downstream cone" }) })
  .meta({ id: "RerunTaskResponse" });
const bulkTaskRef = z.object({ uuid, goal_id: uuid, key: z.string(), name: z.string(), status: subtaskStatus });
export const bulkTasksResponse = z
  .object({
    action: z.enum(BULK_ACTIONS),
    dry_run: z.boolean(),
    matched: count.meta({ description: "tasks the filter matches" }),
    sample: z.array(bulkTaskRef).optional().meta({ description: "dry run: the first tasks that would change" }),
    changed: count.meta({ description: "changed (dry run: would change)" }),
    skipped: count,
    skipped_reasons: z.array(z.object({ reason: z.string(), count, tasks: z.array(uuid) })),
    batches: count.meta({ description: "transactions it took (dry run: would take)" }),
    changed_tasks: z.array(uuid),
  })
  .meta({ id: "BulkTasksResponse" });
