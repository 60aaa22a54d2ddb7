// An agent reports the outcome of its attempt: completion (releasing dependents whose
// dependencies are now all completed) or failure (retry with backoff, or fail for good
// and skip everything downstream). Fenced by attempt: only the task's current attempt,
// still running, may report; a repeat of the same report is answered idempotently.
import type { Tx } from "@/lib/db";
import { env } from "@/lib/env";
import { withEvents, type Emit } from "@/lib/events/record";
import { SwitchyardError, forbidden, notFound } from "@/lib/errors";
import { retryDelayMs } from "@/lib/orchestration/backoff";
import { finalizeGoalIfDone } from "@/lib/orchestration/finalize-goal";

export interface SubtaskRow {
  id: string;
  goal_id: string;
  key: string;
  name: string;
  status: string;
  attempt: number;
  failures: number;
  max_attempts: number;
  agent_id: string | null;
  result: string | null;
  error: string | null;
  next_attempt_at: Date | null;
  started_at: Date | null;
  finished_at: Date | null;
}

interface AttemptRow {
  number: number;
  agent_id: string;
  outcome: string;
  started_at: Date;
}

const SUBTASK_COLUMNS = "id, goal_id, key, name, status, attempt, failures, max_attempts, agent_id, result, error, next_attempt_at, started_at, finished_at";

async function lockSubtask(tx: Tx, subtaskId: string): Promise<SubtaskRow> {
  const rows = await tx.$queryRawUnsafe<SubtaskRow[]>(`SELECT ${SUBTASK_COLUMNS} FROM subtasks WHERE id = $1::uuid FOR UPDATE`, subtaskId);
  if (!rows[0]) throw notFound("subtask", subtaskId, "subtask_uuid");
  return rows[0];
}

/** The caller's attempt on the task: 403 if it never held it, the row otherwise. */
async function findAttempt(tx: Tx, task: SubtaskRow, agentId: string, number: number | undefined): Promise<AttemptRow> {
  const rows = number
    ? await tx.$queryRaw<AttemptRow[]>`SELECT number, agent_id, outcome, started_at FROM attempts WHERE subtask_id = ${task.id}::uuid AND number = ${number}`
    : await tx.$queryRaw<AttemptRow[]>`SELECT number, agent_id, outcome, started_at FROM attempts WHERE subtask_id = ${task.id}::uuid AND agent_id = ${agentId}::uuid ORDER BY number DESC LIMIT 1`;
  const attempt = rows[0];
  if (!attempt || attempt.agent_id !== agentId) {
    throw forbidden(number ? `attempt ${number} of subtask ${task.id} is not this agent's` : `subtask ${task.id} is not assigned to this agent`, number ? "attempt" : "subtask_uuid");
  }
  return attempt;
}

function staleAttempt(task: SubtaskRow, attempt: AttemptRow): SwitchyardError {
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

export async function completeTask(options: { subtaskId: string; agentId: string; attempt?: number; result: string; now?: Date }): Promise<CompleteResult> {
  const now = options.now ?? new Date();
  const actor = `agent:${options.agentId}`;
  const outcome = await withEvents(async (tx, emit) => {
    const task = await lockSubtask(tx, options.subtaskId);
    const attempt = await findAttempt(tx, task, options.agentId, options.attempt);
    if (attempt.outcome === "completed") return { subtask: task, released: [] as string[], repeated: true };
    if (attempt.outcome !== "running" || attempt.number !== task.attempt || task.status !== "running") throw staleAttempt(task, attempt);

    await tx.$executeRaw`
      UPDATE attempts SET outcome = 'completed', result = ${options.result}, ended_at = ${now}
      WHERE subtask_id = ${task.id}::uuid AND number = ${attempt.number}`;
    const updated = await tx.$queryRawUnsafe<SubtaskRow[]>(
      `UPDATE subtasks SET status = 'completed', result = $2, error = NULL, finished_at = $3, deadline_at = NULL
       WHERE id = $1::uuid RETURNING ${SUBTASK_COLUMNS}`,
      task.id,
      options.result,
      now,
    );
    const durationMs = Math.max(0, now.getTime() - attempt.started_at.getTime());
    await tx.$executeRaw`
      UPDATE agents SET running = GREATEST(running - 1, 0), tasks_done = tasks_done + 1,
        total_duration_ms = total_duration_ms + ${durationMs}, last_heartbeat_at = ${now}, offline = false
      WHERE id = ${options.agentId}::uuid`;
    emit({ type: "task.completed", actor, goalId: task.goal_id, subtaskId: task.id, agentId: options.agentId, data: { attempt: attempt.number, status: "completed", duration_ms: durationMs } });
    const released = await releaseDependents(tx, emit, task, now, actor);
    return { subtask: updated[0]!, released, repeated: false };
  });
  if (!outcome.repeated) await finalizeGoalIfDone(outcome.subtask.goal_id);
  return { subtask: outcome.subtask, released: outcome.released };
}

async function releaseDependents(tx: Tx, emit: Emit, task: SubtaskRow, now: Date, actor: string): Promise<string[]> {
  const rows = await tx.$queryRaw<Array<{ id: string; status: string }>>`
    UPDATE subtasks s SET pending_deps = s.pending_deps - 1,
      status = CASE WHEN s.pending_deps = 1 AND s.status = 'waiting' THEN 'pending' ELSE s.status END,
      ready_at = CASE WHEN s.pending_deps = 1 AND s.status = 'waiting' THEN ${now}::timestamptz ELSE s.ready_at END
    FROM subtask_dependencies d
    WHERE d.depends_on_id = ${task.id}::uuid AND s.id = d.subtask_id
    RETURNING s.id, s.status`;
  const released = rows.filter((r) => r.status === "pending").map((r) => r.id);
  for (const id of released) emit({ type: "task.ready", actor, goalId: task.goal_id, subtaskId: id, data: { status: "pending", after: task.id } });
  return released;
}

export async function failTask(options: { subtaskId: string; agentId: string; attempt?: number; error: string; now?: Date }): Promise<{ subtask: SubtaskRow }> {
  const now = options.now ?? new Date();
  const actor = `agent:${options.agentId}`;
  const outcome = await withEvents(async (tx, emit) => {
    const task = await lockSubtask(tx, options.subtaskId);
    const attempt = await findAttempt(tx, task, options.agentId, options.attempt);
    if (attempt.outcome === "failed" && attempt.number === task.attempt) return { subtask: task, repeated: true };
    if (attempt.outcome !== "running" || attempt.number !== task.attempt || task.status !== "running") throw staleAttempt(task, attempt);
    const subtask = await failAttempt(tx, emit, { task, attemptNumber: attempt.number, agentId: options.agentId, error: options.error, outcome: "failed", now, actor });
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
  options: { task: SubtaskRow; attemptNumber: number; agentId: string; error: string; outcome: "failed" | "timed_out"; now: Date; actor: string },
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
  const updated = await tx.$queryRawUnsafe<SubtaskRow[]>(
    `UPDATE subtasks SET failures = $2, error = $3, agent_id = NULL, deadline_at = NULL,
       status = CASE WHEN $4 THEN 'retrying' ELSE 'failed' END,
       next_attempt_at = $5, finished_at = CASE WHEN $4 THEN NULL ELSE $6::timestamptz END
     WHERE id = $1::uuid RETURNING ${SUBTASK_COLUMNS}`,
    task.id,
    failures,
    options.error,
    willRetry,
    nextAttemptAt,
    now,
  );
  emit({
    type: options.outcome === "timed_out" ? "task.timed_out" : "task.failed",
    actor,
    goalId: task.goal_id,
    subtaskId: task.id,
    agentId: options.agentId,
    data: { attempt: options.attemptNumber, failures, status: willRetry ? "retrying" : "failed", next_attempt_at: nextAttemptAt?.toISOString() ?? null, error: options.error.slice(0, 500) },
  });
  if (!willRetry) await skipDownstream(tx, emit, task, now, actor);
  return updated[0]!;
}

/** Every open task downstream of `task` can never run: skip it. */
export async function skipDownstream(tx: Tx, emit: Emit, task: { id: string; goal_id: string }, now: Date, actor: string): Promise<string[]> {
  const skipped = await tx.$queryRaw<Array<{ id: string }>>`
    WITH RECURSIVE down AS (
      SELECT subtask_id AS id FROM subtask_dependencies WHERE depends_on_id = ${task.id}::uuid
      UNION
      SELECT d.subtask_id FROM subtask_dependencies d JOIN down ON d.depends_on_id = down.id
    )
    UPDATE subtasks SET status = 'skipped', finished_at = ${now}
    WHERE id IN (SELECT id FROM down) AND status IN ('waiting', 'pending', 'retrying')
    RETURNING id`;
  for (const s of skipped) emit({ type: "task.skipped", actor, goalId: task.goal_id, subtaskId: s.id, data: { status: "skipped", because: task.id } });
  return skipped.map((s) => s.id);
}
