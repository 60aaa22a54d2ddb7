// An agent reports the outcome of its attempt: completion (releasing dependents whose
// dependencies are now all completed) or failure (retry with backoff, or fail for good
// and skip everything downstream). Fenced by attempt: only the task's current attempt,
// still running, may report; a repeat of the same report is answered idempotently.
import { Prisma, HOT_PATH, type Tx } from "@/lib/db";
import { env } from "@/lib/env";
import { eventsCtes, withEvents, type Emit } from "@/lib/events/record";
import { SwitchyardError, forbidden, notFound } from "@/lib/errors";
import { retryDelayMs } from "@/lib/orchestration/backoff";
import { finalizeGoalIfDone } from "@/lib/orchestration/finalize-goal";
import { lockAgents } from "@/lib/orchestration/locks";
import { lockDownstream } from "@/lib/orchestration/downstream";
import { QUEUED_SUBTASK_SQL } from "@/lib/db/status-sql";
import { recordAgentUsage, recordCompletions } from "@/lib/metrics";
import { hasUsage, recordUsage, type Usage } from "@/lib/orchestration/usage";
import { applySpawns, prepareSpawn, type SpawnInput } from "@/lib/orchestration/spawn";
import { pauseForBudget } from "@/lib/orchestration/budget";
import { gateCompletion, hasGate } from "@/lib/orchestration/completion-gate";
import type { Columns } from "@/lib/db/rows";

/** A task as the reports lock and answer it. */
export type SubtaskRow = Columns<
  "subtasks",
  | "id"
  | "goal_id"
  | "key"
  | "name"
  | "status"
  | "attempt"
  | "failures"
  | "max_attempts"
  | "agent_id"
  | "result"
  | "error"
  | "next_attempt_at"
  | "started_at"
  | "finished_at"
  | "approval"
  | "output_schema"
>;

type AttemptRow = Columns<"attempts", "number" | "agent_id" | "outcome" | "started_at">;

/** The columns of a SubtaskRow. */
const SUBTASK_COLUMN_NAMES = [
  "id",
  "goal_id",
  "key",
  "name",
  "status",
  "attempt",
  "failures",
  "max_attempts",
  "agent_id",
  "result",
  "error",
  "next_attempt_at",
  "started_at",
  "finished_at",
  "approval",
  "output_schema",
] as const satisfies ReadonlyArray<keyof SubtaskRow>;

/** The columns of a SubtaskRow, of the table `alias` when given. */
function subtaskColumns(alias?: string): Prisma.Sql {
  return Prisma.raw(SUBTASK_COLUMN_NAMES.map((c) => (alias ? `${alias}.${c}` : c)).join(", "));
}

const SUBTASK_COLUMNS = subtaskColumns();

async function lockSubtask(tx: Tx, subtaskId: string): Promise<SubtaskRow> {
  const rows = await tx.$queryRaw<SubtaskRow[]>`SELECT ${SUBTASK_COLUMNS} FROM subtasks WHERE id = ${subtaskId}::uuid FOR UPDATE`;
  if (!rows[0]) throw notFound("subtask", subtaskId, "subtask_uuid");
  return rows[0];
}

/** The caller's attempt on the task: 403 if it never held it, the row otherwise. */
async function findAttempt(tx: Tx, task: SubtaskRow, agentId: string, number: number | undefined): Promise<AttemptRow> {
  const rows = number
    ? await tx.$queryRaw<
        AttemptRow[]
      >`SELECT number, agent_id, outcome, started_at FROM attempts WHERE subtask_id = ${task.id}::uuid AND number = ${number}`
    : await tx.$queryRaw<
        AttemptRow[]
      >`SELECT number, agent_id, outcome, started_at FROM attempts WHERE subtask_id = ${task.id}::uuid AND agent_id = ${agentId}::uuid ORDER BY number DESC LIMIT 1`;
  const attempt = rows[0];
  if (!attempt || attempt.agent_id !== agentId) {
    throw forbidden(
      number ? `attempt ${number} of subtask ${task.id} is not this agent's` : `subtask ${task.id} is not assigned to this agent`,
      number ? "attempt" : "subtask_uuid",
    );
  }
  return attempt;
}

/** A report's locks: the reporting agent, then the task (lib/orchestration/locks.ts); and the caller's attempt on it. */
export async function lockReport(
  tx: Tx,
  report: { subtaskId: string; agentId: string; attempt?: number },
): Promise<{ task: SubtaskRow; attempt: AttemptRow }> {
  await lockAgents(tx, [report.agentId]);
  const task = await lockSubtask(tx, report.subtaskId);
  return { task, attempt: await findAttempt(tx, task, report.agentId, report.attempt) };
}

export function staleAttempt(task: SubtaskRow, attempt: AttemptRow): SwitchyardError {
  return new SwitchyardError(
    "stale_attempt",
    `attempt ${attempt.number} of subtask ${task.key} is ${attempt.outcome}; the task is ${task.status} at attempt ${task.attempt}`,
    { field: "attempt" },
  );
}

export interface CompleteResult {
  subtask: SubtaskRow;
  released: string[];
}

/** One report: completeTasks with one item, its refusal thrown. */
export async function completeTask(options: CompletionInput & { now?: Date }): Promise<CompleteResult> {
  const { now, ...item } = options;
  const [outcome] = await completeTasks([item], { now, spawnField: () => "spawn" });
  if (!outcome!.ok) throw outcome!.error;
  return { subtask: outcome!.subtask, released: outcome!.released };
}

/** A dependent the release updated: its status after (pending when it became ready) and `after`, the completed parent that released it. */
type ReleasedRow = { id: string; status: string; goal_id: string; after: string };

/**
 * The release, as CTEs over the completed task ids: dependents get one decrement per
 * completed parent, and those reaching zero become ready (lib/orchestration/ready.ts).
 * Locked in id order, so completions sharing dependents cannot deadlock on one another.
 * `rel` holds the dependents updated (ReleasedRow).
 */
function releaseCtes(completedIds: Prisma.Sql, now: Date): Prisma.Sql {
  return Prisma.sql`done AS (SELECT unnest(${completedIds}) AS id),
    dec AS (
      SELECT d.subtask_id, count(*)::int AS n, max(d.depends_on_id::text)::uuid AS after
      FROM subtask_dependencies d JOIN done ON d.depends_on_id = done.id
      -- Never a task of the batch itself (one cannot be running while a parent is not
      -- completed): in completionTail, a row updated twice in one statement keeps one update.
      WHERE d.subtask_id <> ALL(${completedIds})
      GROUP BY d.subtask_id
    ),
    locked AS (SELECT s.id FROM subtasks s JOIN dec ON dec.subtask_id = s.id ORDER BY s.id FOR UPDATE OF s),
    rel AS (
      UPDATE subtasks s SET pending_deps = s.pending_deps - dec.n,
        status = CASE WHEN s.pending_deps = dec.n AND s.status = 'waiting' THEN 'pending' ELSE s.status END,
        ready_at = CASE WHEN s.pending_deps = dec.n AND s.status = 'waiting' THEN ${now}::timestamptz ELSE s.ready_at END
      FROM dec WHERE s.id = dec.subtask_id AND s.id IN (SELECT id FROM locked)
      RETURNING s.id, s.status, s.goal_id, dec.after::text AS after
    )`;
}

/** The released task ids by the completed task that released them. */
function releasedByParent(rows: ReleasedRow[]): Map<string, string[]> {
  const releasedBy = new Map<string, string[]>();
  for (const r of rows) {
    if (r.status !== "pending") continue;
    const list = releasedBy.get(r.after) ?? [];
    list.push(r.id);
    releasedBy.set(r.after, list);
  }
  return releasedBy;
}

/**
 * Releases the dependents of the completed tasks (releaseCtes), each that became ready with
 * its `task.ready` event. Answers the released task ids by the completed task that released them.
 */
export async function releaseDependents(
  tx: Tx,
  emit: Emit,
  completed: Array<{ id: string; actor: string }>,
  now: Date,
): Promise<Map<string, string[]>> {
  if (completed.length === 0) return new Map();
  const ids = completed.map((c) => c.id);
  const rows = await tx.$queryRaw<
    ReleasedRow[]
  >`WITH ${releaseCtes(Prisma.sql`${ids}::uuid[]`, now)} SELECT id, status, goal_id, after FROM rel`;
  const actorOf = new Map(completed.map((c) => [c.id, c.actor]));
  for (const r of rows) {
    if (r.status !== "pending") continue;
    emit({
      type: "task.ready",
      actor: actorOf.get(r.after) ?? "system",
      goalId: r.goal_id,
      subtaskId: r.id,
      data: { status: "pending", after: r.after },
    });
  }
  return releasedByParent(rows);
}

export async function failTask(options: {
  subtaskId: string;
  agentId: string;
  attempt?: number;
  error: string;
  now?: Date;
}): Promise<{ subtask: SubtaskRow }> {
  const now = options.now ?? new Date();
  const actor = `agent:${options.agentId}`;
  const outcome = await withEvents(async (tx, emit) => {
    const { task, attempt } = await lockReport(tx, options);
    if (attempt.outcome === "failed" && attempt.number === task.attempt) return { subtask: task, repeated: true };
    if (attempt.outcome !== "running" || attempt.number !== task.attempt || task.status !== "running") throw staleAttempt(task, attempt);
    const subtask = await failAttempt(tx, emit, {
      task,
      attemptNumber: attempt.number,
      agentId: options.agentId,
      error: options.error,
      outcome: "failed",
      now,
      actor,
    });
    return { subtask, repeated: false };
  });
  if (!outcome.repeated) await finalizeGoalIfDone(outcome.subtask.goal_id);
  return { subtask: outcome.subtask };
}

/**
 * Ends a running attempt as failed or timed out. The task retries after a backoff while
 * it has attempts left; otherwise it fails and every task downstream of it is skipped.
 */
export async function failAttempt(
  tx: Tx,
  emit: Emit,
  options: {
    task: SubtaskRow;
    attemptNumber: number;
    agentId: string;
    error: string;
    outcome: "failed" | "timed_out";
    now: Date;
    actor: string;
  },
): Promise<SubtaskRow> {
  const { task, now, actor } = options;
  await tx.$executeRaw`
    UPDATE attempts SET outcome = ${options.outcome}, error = ${options.error}, ended_at = ${now}
    WHERE subtask_id = ${task.id}::uuid AND number = ${options.attemptNumber}`;
  await tx.$executeRaw`
    UPDATE agents SET running = GREATEST(running - 1, 0), tasks_failed = tasks_failed + 1
    WHERE id = ${options.agentId}::uuid`;
  const failures = task.failures + 1;
  const willRetry = failures < task.max_attempts;
  const { RETRY_BASE_MS, RETRY_MAX_MS } = env();
  const nextAttemptAt = willRetry ? new Date(now.getTime() + retryDelayMs(failures, { baseMs: RETRY_BASE_MS, maxMs: RETRY_MAX_MS })) : null;
  const updated = await tx.$queryRaw<SubtaskRow[]>`
    UPDATE subtasks SET failures = ${failures}, error = ${options.error}, agent_id = NULL, deadline_at = NULL,
      status = CASE WHEN ${willRetry} THEN 'retrying' ELSE 'failed' END,
      next_attempt_at = ${nextAttemptAt}, finished_at = CASE WHEN ${willRetry} THEN NULL ELSE ${now}::timestamptz END
    WHERE id = ${task.id}::uuid RETURNING ${SUBTASK_COLUMNS}`;
  emit({
    type: options.outcome === "timed_out" ? "task.timed_out" : "task.failed",
    actor,
    goalId: task.goal_id,
    subtaskId: task.id,
    agentId: options.agentId,
    data: {
      attempt: options.attemptNumber,
      failures,
      status: willRetry ? "retrying" : "failed",
      next_attempt_at: nextAttemptAt?.toISOString() ?? null,
      error: options.error.slice(0, 500),
    },
  });
  if (!willRetry) await skipDownstream(tx, emit, task, now, actor);
  return updated[0]!;
}

/** Every open task downstream of `task` can never run: skip it. */
export async function skipDownstream(
  tx: Tx,
  emit: Emit,
  task: { id: string; goal_id: string },
  now: Date,
  actor: string,
): Promise<string[]> {
  const cone = await lockDownstream(tx, task.id, QUEUED_SUBTASK_SQL);
  if (cone.length === 0) return [];
  const skipped = await tx.$queryRaw<Array<{ id: string }>>`
    UPDATE subtasks SET status = 'skipped', finished_at = ${now}
    WHERE id = ANY(${cone}::uuid[]) AND status IN ${QUEUED_SUBTASK_SQL}
    RETURNING id`;
  for (const s of skipped)
    emit({ type: "task.skipped", actor, goalId: task.goal_id, subtaskId: s.id, data: { status: "skipped", because: task.id } });
  return skipped.map((s) => s.id);
}

// ---------------------------------------------------------------------------------------
// Batched completion: many reports at once, set-based. The same fencing as completeTask,
// decided per item: a report that completeTask would refuse (unknown task, someone else's
// attempt, a stale attempt) is refused here too, item by item, while the rest commit.
// Locks are taken in id order (agents, then tasks, then the dependents being released),
// as everywhere in the scheduler, so concurrent batches cannot deadlock on one another.

export interface CompletionInput {
  subtaskId: string;
  agentId: string;
  attempt?: number;
  result: string;
  usage?: Usage;
  /** Tasks this completion adds to its goal (lib/orchestration/spawn.ts). */
  spawn?: SpawnInput;
}

export type CompletionOutcome =
  | { subtaskId: string; ok: true; repeated: boolean; subtask: SubtaskRow; released: string[] }
  | { subtaskId: string; ok: false; error: SwitchyardError };

/** An accepted completion, as the completion's statement takes it. */
type AcceptedRow = { subtask_id: string; number: number; result: string; agent_id: string; goal_id: string; duration_ms: number };

/**
 * The completed reporters' counters, as the CTE `counted`, from the completions in `c`
 * (agent_id, duration_ms): each agent's running count down, done count and time up, and
 * its heartbeat. The caller holds the agents' rows.
 */
function countedCte(now: Date): Prisma.Sql {
  return Prisma.sql`counted AS (
      UPDATE agents a SET running = GREATEST(a.running - n.n, 0), tasks_done = a.tasks_done + n.n,
        total_duration_ms = a.total_duration_ms + n.ms, last_heartbeat_at = ${now}, offline = false
      FROM (SELECT agent_id, count(*)::int AS n, sum(duration_ms)::bigint AS ms FROM c GROUP BY agent_id) n
      WHERE a.id = n.agent_id
    )`;
}

/**
 * The accepted completions' writes, as CTEs: the attempts, the tasks (locked by the caller)
 * and the agents' counters; `c` holds the completions (AcceptedRow), in order. The id
 * lists let the planner probe the indexes instead of hashing whole tables.
 */
function completionCtes(completions: AcceptedRow[], now: Date): Prisma.Sql {
  return Prisma.sql`c AS (
      SELECT * FROM json_to_recordset(${JSON.stringify(completions)}::json)
        AS c(subtask_id uuid, number int, result text, agent_id uuid, goal_id uuid, duration_ms bigint)
    ), att AS (
      UPDATE attempts a SET outcome = 'completed', result = c.result, ended_at = ${now}
      FROM c WHERE a.subtask_id = c.subtask_id AND a.number = c.number AND a.subtask_id = ANY(${COMPLETED_IDS})
    ), ${countedCte(now)}, comp AS (
      UPDATE subtasks s SET status = 'completed', result = c.result, error = NULL, finished_at = ${now}, deadline_at = NULL
      FROM c WHERE s.id = c.subtask_id AND s.id = ANY(${COMPLETED_IDS})
    )`;
}

/** The ids of completionCtes' completions, as an array (sent once, in `c`). */
const COMPLETED_IDS = Prisma.sql`ARRAY(SELECT subtask_id FROM c)`;

/** A `task.completed` event for each of completionCtes' completions, in order (as emittedEvents' rows). */
const COMPLETED_EVENTS = Prisma.sql`
  SELECT 'task.completed'::text, 'agent:' || c.agent_id, c.goal_id, c.subtask_id, c.agent_id,
    jsonb_build_object('attempt', c.number, 'status', 'completed', 'duration_ms', c.duration_ms)
  FROM c`;

/**
 * A completion's events as CTEs (eventsCtes): those `emitted` before it (rows as
 * emittedEvents gives them, or none), a `task.completed` for each completion in `c`, and a
 * `task.ready` for each dependent the release (`rel`, releaseCtes) made ready.
 */
function completionEventsCtes(emitted: Prisma.Sql | null): Prisma.Sql {
  return Prisma.sql`ready AS (
      ${emitted === null ? Prisma.empty : Prisma.sql`${emitted} UNION ALL`}
      ${COMPLETED_EVENTS}
      UNION ALL
      SELECT 'task.ready', COALESCE('agent:' || c.agent_id, 'system'), rel.goal_id, rel.id, NULL::uuid,
        jsonb_build_object('status', rel.status, 'after', rel.after)
      FROM rel LEFT JOIN c ON c.subtask_id = rel.after::uuid WHERE rel.status = 'pending'
    ), ${eventsCtes(Prisma.sql`SELECT * FROM ready`)}`;
}

/** The accepted completions' writes (completionCtes) with their events, on their own (after Emit.flush). */
function completionStatement(completions: AcceptedRow[], now: Date): Prisma.Sql {
  return Prisma.sql`WITH ${completionCtes(completions, now)}, ${eventsCtes(COMPLETED_EVENTS)} SELECT 1`;
}

/**
 * The completion's last statement, sent with COMMIT (lib/events/record.ts Finish): the
 * accepted completions' writes, the release of their dependents, and the transaction's
 * events: those emitted, a `task.completed` for each completion, and a `task.ready` for
 * each dependent that became ready (as releaseDependents emits it). Dependents are then
 * locked only while this one statement runs and commits, not across the round trips of the
 * rest. Answers the dependents updated (ReleasedRow).
 */
export function completionTail(completions: AcceptedRow[], now: Date, emitted: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`
    WITH ${completionCtes(completions, now)}, ${releaseCtes(COMPLETED_IDS, now)}, ${completionEventsCtes(emitted)}
    SELECT id, status, goal_id, after FROM rel`;
}

/**
 * A row of standingStatement: a task it completed, with its item's place (`ord`), or a
 * dependent it made ready, with the completed task that released it (`after`).
 */
type StandingRow = SubtaskRow & { kind: "completed" | "released"; ord: number | null; after: string | null };

/**
 * The statement that completes, in one round trip with BEGIN and COMMIT, every report that
 * stands as it is sent: the task running, held by the reporting agent (at the attempt
 * given, if one is), with no gate (approval, output_schema). It locks the agents, then the
 * tasks, each in id order (a statement's InitPlan runs before its scan), decides on the
 * locked rows which reports stand, and writes what completionTail writes — the tasks,
 * their attempts, the agents' counters, the release, the events — where the decided path
 * reads the locked rows back to the process first. Answers the tasks it completed and the
 * dependents it made ready (StandingRow).
 */
export function standingStatement(items: CompletionInput[], now: Date): Prisma.Sql {
  const reports = items.map((item, i) => ({
    subtask_id: item.subtaskId,
    agent_id: item.agentId,
    number: item.attempt ?? null,
    result: item.result,
    ord: i + 1,
  }));
  const agentIds = [...new Set(items.map((i) => i.agentId))].sort();
  return Prisma.sql`
    WITH agents_locked AS MATERIALIZED (
      SELECT id FROM agents WHERE id = ANY(${agentIds}::uuid[]) ORDER BY id FOR UPDATE
    ), q AS (
      -- One report per task, the first sent (a later one is then answered as a repeat).
      SELECT DISTINCT ON (subtask_id) * FROM json_to_recordset(${JSON.stringify(reports)}::json)
        AS q(subtask_id uuid, agent_id uuid, number int, result text, ord int)
      ORDER BY subtask_id, ord
    ), tasks_locked AS MATERIALIZED (
      -- The tasks in id order, after the agents, by their key (as the rest of the scheduler
      -- locks them: pausing a goal, a budget, the decided path). Then whether each stands,
      -- on the row as locked.
      SELECT id, status, agent_id, attempt, approval, output_schema IS NULL AS ungated FROM subtasks
      WHERE id = ANY(ARRAY(SELECT subtask_id FROM q)) AND (SELECT count(*) FROM agents_locked) >= 0
      ORDER BY id FOR UPDATE
    ), standing AS (
      SELECT q.subtask_id, q.result, q.ord FROM q JOIN tasks_locked t ON t.id = q.subtask_id
      WHERE t.status = 'running' AND t.agent_id = q.agent_id AND (q.number IS NULL OR t.attempt = q.number)
        AND NOT t.approval AND t.ungated
    ), comp AS (
      -- Each task, and below each attempt, probed by its key from the rows before it (an id
      -- list beside the probe, as the decided path has, made every probe walk the list).
      UPDATE subtasks s SET status = 'completed', result = st.result, error = NULL, finished_at = ${now}, deadline_at = NULL
      FROM standing st WHERE s.id = st.subtask_id
      RETURNING ${subtaskColumns("s")}, st.ord
    ), att AS (
      -- What the events and counters need, from the attempt and its task together (a join
      -- of the two afterwards, planned for one row each, compared every pair).
      UPDATE attempts a SET outcome = 'completed', result = comp.result, ended_at = ${now}
      FROM comp WHERE a.subtask_id = comp.id AND a.number = comp.attempt
      RETURNING a.subtask_id, a.number, comp.agent_id, comp.goal_id, comp.ord,
        GREATEST(0, floor(extract(epoch FROM (${now}::timestamptz - a.started_at)) * 1000))::bigint AS duration_ms
    ), c AS (
      SELECT * FROM att ORDER BY ord
    ), ${countedCte(now)}, ${releaseCtes(COMPLETED_IDS, now)}, ${completionEventsCtes(null)}
    SELECT 'completed' AS kind, comp.ord, NULL::text AS after, ${subtaskColumns("comp")} FROM comp
    UNION ALL
    SELECT 'released', NULL, rel.after, ${RELEASED_AS_SUBTASK} FROM rel WHERE rel.status = 'pending'`;
}

/** A dependent the release made ready, in a SubtaskRow's columns (its id, goal and status; the rest null). */
const RELEASED_AS_SUBTASK = Prisma.raw(
  SUBTASK_COLUMN_NAMES.map((c) => (c === "id" || c === "goal_id" || c === "status" ? `rel.${c}` : "NULL")).join(", "),
);

/**
 * Many reports at once, each fenced like completeTask's: an unknown task (404), someone
 * else's attempt (403) or a superseded one (409) is refused in its own outcome, a repeat is
 * answered as one. The reports that stand as sent complete together in one statement
 * (standingStatement); the others — repeats, refusals, gated tasks — and any call that
 * spawns tasks or records usage are decided report by report after it (decideEach).
 */
export async function completeTasks(
  items: CompletionInput[],
  options: { now?: Date; spawnField?: (index: number) => string } = {},
): Promise<CompletionOutcome[]> {
  if (items.length === 0) return [];
  const now = options.now ?? new Date();
  // A bad spawn refuses the whole call (400 naming completions[i].spawn…), before anything is locked.
  const spawns = items.map((item, i) =>
    item.spawn ? prepareSpawn(item.spawn, options.spawnField?.(i) ?? `completions[${i}].spawn`) : undefined,
  );
  if (items.some((item) => item.spawn || hasUsage(item.usage))) return decideEach(items, spawns, now);

  // The statement is the transaction's last (and only) one: its rows come once it has committed.
  const { rows } = await withEvents(
    async (_tx, _emit, finish) => ({ rows: finish<StandingRow>(() => standingStatement(items, now)) }),
    HOT_PATH,
  );
  const answered = await rows;
  const releasedBy = releasedByParent(answered.filter((r) => r.kind === "released").map((r) => ({ ...r, after: r.after! })));
  const completed = answered.filter((r) => r.kind === "completed");
  const outcomes: Array<CompletionOutcome | undefined> = items.map(() => undefined);
  for (const { ord, kind: _kind, after: _after, ...subtask } of completed) {
    outcomes[ord! - 1] = { subtaskId: subtask.id, ok: true, repeated: false, subtask, released: releasedBy.get(subtask.id) ?? [] };
  }
  recordCompletions("accepted", completed.length);
  const rest = items.flatMap((_, i) => (outcomes[i] ? [] : [i]));
  try {
    if (rest.length > 0) {
      const decided = await decideEach(
        rest.map((i) => items[i]!),
        rest.map((i) => spawns[i]),
        now,
      );
      rest.forEach((i, k) => (outcomes[i] = decided[k]));
    }
  } finally {
    // Committed either way. A goal that just had a task released is not done: that task's own finisher checks it.
    const releasedIn = new Set(completed.flatMap((r) => (releasedBy.has(r.id) ? [r.goal_id] : [])));
    for (const goalId of new Set(completed.map((r) => r.goal_id))) if (!releasedIn.has(goalId)) await finalizeGoalIfDone(goalId, now);
  }
  return outcomes as CompletionOutcome[];
}

/** The reports decided one by one on their locked rows (see completeTasks); `spawns` prepared beside them. */
async function decideEach(
  items: CompletionInput[],
  spawns: Array<ReturnType<typeof prepareSpawn> | undefined>,
  now: Date,
): Promise<CompletionOutcome[]> {
  const overBudget = new Set<string>();
  const { outcomes, goals, releasing } = await withEvents(async (tx, emit, finish) => {
    // The agents, then the tasks, each in id order (lib/orchestration/locks.ts), and each
    // item's attempt (the numbered one, or the caller's latest on the task), in one
    // statement: the tasks' scan tests the locked agents' count, so it cannot lock a task
    // before the agents are held.
    // One row per item: its task (null columns when unknown) and its attempt (a_*, null when none).
    const rows = await tx.$queryRaw<
      Array<
        SubtaskRow & {
          ord: number;
          a_number: AttemptRow["number"] | null;
          a_agent_id: AttemptRow["agent_id"] | null;
          a_outcome: AttemptRow["outcome"] | null;
          a_started_at: AttemptRow["started_at"] | null;
        }
      >
    >`
      WITH agents_locked AS MATERIALIZED (
        SELECT id FROM agents WHERE id = ANY(${[...new Set(items.map((i) => i.agentId))].sort()}::uuid[]) ORDER BY id FOR UPDATE
      ), locked AS MATERIALIZED (
        SELECT ${SUBTASK_COLUMNS} FROM subtasks
        WHERE id = ANY(${[...new Set(items.map((i) => i.subtaskId))]}::uuid[]) AND (SELECT count(*) FROM agents_locked) >= 0
        ORDER BY id FOR UPDATE
      )
      SELECT q.ord::int AS ord, t.*, a.number AS a_number, a.agent_id AS a_agent_id, a.outcome AS a_outcome, a.started_at AS a_started_at
      FROM unnest(${items.map((i) => i.subtaskId)}::uuid[], ${items.map((i) => i.agentId)}::uuid[], ${items.map((i) => i.attempt ?? null)}::int[])
        WITH ORDINALITY AS q(subtask_id, agent_id, number, ord)
      LEFT JOIN locked t ON t.id = q.subtask_id
      LEFT JOIN LATERAL (
        SELECT number, agent_id, outcome, started_at FROM attempts a
        WHERE a.subtask_id = q.subtask_id AND (CASE WHEN q.number IS NULL THEN a.agent_id = q.agent_id ELSE a.number = q.number END)
        ORDER BY a.number DESC LIMIT 1
      ) a ON true`;
    const tasks = new Map<string, SubtaskRow>();
    const attempts = new Map<number, AttemptRow>();
    for (const { ord, a_number, a_agent_id, a_outcome, a_started_at, ...task } of rows) {
      if (task.id !== null) tasks.set(task.id, task);
      if (a_number !== null)
        attempts.set(ord - 1, { number: a_number, agent_id: a_agent_id!, outcome: a_outcome!, started_at: a_started_at! });
    }

    const outcomes: Array<CompletionOutcome | undefined> = [];
    const accepted: Array<{ index: number; item: CompletionInput; task: SubtaskRow; attempt: AttemptRow; durationMs: number }> = [];
    const completedNow = new Set<string>();
    // Tasks with an approval gate or an output_schema take the gate, one by one (completion-gate.ts).
    const gatedItems: Array<{ index: number; item: CompletionInput; task: SubtaskRow; attempt: AttemptRow; durationMs: number }> = [];
    items.forEach((item, index) => {
      const task = tasks.get(item.subtaskId);
      try {
        if (!task) throw notFound("subtask", item.subtaskId, "subtask_uuid");
        const attempt = attempts.get(index);
        if (!attempt || attempt.agent_id !== item.agentId) {
          throw forbidden(
            item.attempt
              ? `attempt ${item.attempt} of subtask ${task.id} is not this agent's`
              : `subtask ${task.id} is not assigned to this agent`,
            item.attempt ? "attempt" : "subtask_uuid",
          );
        }
        // The same report twice in one batch: the second is a repeat of the first.
        const outcome = completedNow.has(`${task.id}:${attempt.number}`) ? "completed" : attempt.outcome;
        if (outcome === "completed") {
          outcomes[index] = { subtaskId: item.subtaskId, ok: true, repeated: true, subtask: task, released: [] };
          return;
        }
        if (outcome !== "running" || attempt.number !== task.attempt || task.status !== "running") throw staleAttempt(task, attempt);
        // A result held for approval has no completion yet to spawn from: refuse rather than drop the spawn.
        if (task.approval && spawns[index])
          throw new SwitchyardError("validation_failed", "a task with an approval gate cannot spawn tasks", {
            field: spawns[index]!.field,
          });
        completedNow.add(`${task.id}:${attempt.number}`);
        const entry = { index, item, task, attempt, durationMs: Math.max(0, now.getTime() - attempt.started_at.getTime()) };
        if (hasGate(task)) gatedItems.push(entry);
        else accepted.push(entry);
      } catch (error) {
        if (!(error instanceof SwitchyardError)) throw error;
        outcomes[index] = { subtaskId: item.subtaskId, ok: false, error };
      }
    });
    for (const g of gatedItems) {
      const gated = await gateCompletion(tx, emit, {
        task: g.task,
        attemptNumber: g.attempt.number,
        agentId: g.item.agentId,
        result: g.item.result,
        now,
        actor: `agent:${g.item.agentId}`,
        failAttempt,
        durationMs: g.durationMs,
      });
      if (gated) outcomes[g.index] = { subtaskId: g.task.id, ok: true, repeated: false, subtask: gated.subtask, released: [] };
      else accepted.push(g); // it passed its gate (a result matching its output_schema, no approval): it completes as usual
    }
    const held = gatedItems.filter((g) => outcomes[g.index] !== undefined);
    const gatedGoals = [...new Set(held.map((g) => g.task.goal_id))];
    // Usage last: it locks goal rows (after agents and tasks), in goal id order.
    const recordUsages = async (items: Array<{ item: CompletionInput; task: SubtaskRow; attempt: AttemptRow }>) => {
      const withUsage = items
        .filter((a) => hasUsage(a.item.usage))
        .sort((x, y) => (x.task.goal_id < y.task.goal_id ? -1 : x.task.goal_id > y.task.goal_id ? 1 : 0));
      for (const a of withUsage) {
        const { passed } = await recordUsage(tx, emit, {
          goalId: a.task.goal_id,
          subtaskId: a.task.id,
          attempt: a.attempt.number,
          agentId: a.item.agentId,
          usage: a.item.usage!,
          actor: `agent:${a.item.agentId}`,
          now,
        });
        if (passed) overBudget.add(a.task.goal_id);
        recordAgentUsage(a.item.agentId, a.item.usage!);
      }
    };
    if (accepted.length === 0) {
      await recordUsages(held);
      return { outcomes: outcomes as CompletionOutcome[], goals: gatedGoals, releasing: undefined };
    }

    const completions = accepted.map((a) => ({
      subtask_id: a.task.id,
      number: a.attempt.number,
      result: a.item.result,
      agent_id: a.item.agentId,
      goal_id: a.task.goal_id,
      duration_ms: a.durationMs,
    }));
    for (const a of accepted) {
      outcomes[a.index] = {
        subtaskId: a.task.id,
        ok: true,
        repeated: false,
        subtask: { ...a.task, status: "completed", result: a.item.result, error: null, finished_at: now } satisfies SubtaskRow,
        released: [],
      };
    }
    const done = {
      outcomes: outcomes as CompletionOutcome[],
      goals: [...new Set([...accepted.map((a) => a.task.goal_id), ...gatedGoals])],
    };

    // The common case: the writes, the release and the events in the last statement, with COMMIT.
    if (!accepted.some((a) => spawns[a.index]) && ![...accepted, ...held].some((a) => hasUsage(a.item.usage))) {
      return { ...done, releasing: finish<ReleasedRow>((emitted) => completionTail(completions, now, emitted)) };
    }
    await emit.flush(tx);
    await tx.$executeRaw(completionStatement(completions, now));
    emit.logged();
    // Spawned tasks join before the release: their roots wait on their parent and are released with its dependents.
    await applySpawns(
      tx,
      emit,
      accepted.flatMap((a) =>
        spawns[a.index] ? [{ parent: a.task, spawn: spawns[a.index]!, actor: `agent:${a.item.agentId}`, agentId: a.item.agentId }] : [],
      ),
      now,
    );
    const releasedBy = await releaseDependents(
      tx,
      emit,
      accepted.map((a) => ({ id: a.task.id, actor: `agent:${a.item.agentId}` })),
      now,
    );
    await recordUsages([...accepted, ...held]);
    return { ...done, releasing: releasedBy };
  }, HOT_PATH);
  // Each accepted completion with the tasks it released.
  const releasedBy = releasing instanceof Map ? releasing : releasedByParent((await releasing) ?? []);
  for (const outcome of outcomes) if (outcome.ok && !outcome.repeated) outcome.released = releasedBy.get(outcome.subtaskId) ?? [];
  recordCompletions("accepted", outcomes.filter((o) => o.ok && !o.repeated).length);
  recordCompletions("repeated", outcomes.filter((o) => o.ok && o.repeated).length);
  recordCompletions("refused", outcomes.filter((o) => !o.ok).length);
  // A goal that just had a task released is not done: that task's own finisher checks it.
  const releasedIn = new Set(outcomes.flatMap((o) => (o.ok && o.released.length > 0 ? [o.subtask.goal_id] : [])));
  for (const goalId of goals) if (!releasedIn.has(goalId)) await finalizeGoalIfDone(goalId, now);
  // A goal whose budget these completions passed is paused now (after the commit; see budget.ts).
  for (const goalId of overBudget) await pauseForBudget(goalId, "system", now);
  return outcomes;
}
