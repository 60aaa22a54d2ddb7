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
import { lockAgents } from "@/lib/orchestration/locks";
import { recordAgentUsage, recordCompletions } from "@/lib/metrics";
import { hasUsage, recordUsage, type Usage } from "@/lib/orchestration/usage";

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

/** A report's locks: the reporting agent, then the task (lib/orchestration/locks.ts); and the caller's attempt on it. */
export async function lockReport(tx: Tx, report: { subtaskId: string; agentId: string; attempt?: number }): Promise<{ task: SubtaskRow; attempt: AttemptRow }> {
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

export async function completeTask(options: { subtaskId: string; agentId: string; attempt?: number; result: string; usage?: Usage; now?: Date }): Promise<CompleteResult> {
  const now = options.now ?? new Date();
  const actor = `agent:${options.agentId}`;
  const outcome = await withEvents(async (tx, emit) => {
    const { task, attempt } = await lockReport(tx, options);
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
    if (hasUsage(options.usage)) await recordUsage(tx, emit, { goalId: task.goal_id, subtaskId: task.id, attempt: attempt.number, agentId: options.agentId, usage: options.usage, actor, now });
    return { subtask: updated[0]!, released, repeated: false };
  }).catch((error: unknown) => {
    if (error instanceof SwitchyardError) recordCompletions("refused");
    throw error;
  });
  recordCompletions(outcome.repeated ? "repeated" : "accepted");
  if (!outcome.repeated && options.usage) recordAgentUsage(options.agentId, options.usage);
  if (!outcome.repeated) await finalizeGoalIfDone(outcome.subtask.goal_id);
  return { subtask: outcome.subtask, released: outcome.released };
}

async function releaseDependents(tx: Tx, emit: Emit, task: SubtaskRow, now: Date, actor: string): Promise<string[]> {
  // Dependents locked in id order (as completeTasks does), so two completions releasing
  // the same dependents cannot deadlock on one another.
  const rows = await tx.$queryRaw<Array<{ id: string; status: string }>>`
    WITH locked AS (
      SELECT s.id FROM subtasks s JOIN subtask_dependencies d ON d.subtask_id = s.id
      WHERE d.depends_on_id = ${task.id}::uuid ORDER BY s.id FOR UPDATE OF s
    )
    UPDATE subtasks s SET pending_deps = s.pending_deps - 1,
      status = CASE WHEN s.pending_deps = 1 AND s.status = 'waiting' THEN 'pending' ELSE s.status END,
      ready_at = CASE WHEN s.pending_deps = 1 AND s.status = 'waiting' THEN ${now}::timestamptz ELSE s.ready_at END
    FROM locked l
    WHERE s.id = l.id
    RETURNING s.id, s.status`;
  const released = rows.filter((r) => r.status === "pending").map((r) => r.id);
  for (const id of released) emit({ type: "task.ready", actor, goalId: task.goal_id, subtaskId: id, data: { status: "pending", after: task.id } });
  return released;
}

export async function failTask(options: { subtaskId: string; agentId: string; attempt?: number; error: string; now?: Date }): Promise<{ subtask: SubtaskRow }> {
  const now = options.now ?? new Date();
  const actor = `agent:${options.agentId}`;
  const outcome = await withEvents(async (tx, emit) => {
    const { task, attempt } = await lockReport(tx, options);
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
    ), locked AS (
      -- in id order, so two failures (or a failure and a cancel) sharing a cone cannot deadlock
      SELECT s.id FROM subtasks s WHERE s.id IN (SELECT id FROM down) AND s.status IN ('waiting', 'pending', 'retrying') ORDER BY s.id FOR UPDATE OF s
    )
    UPDATE subtasks SET status = 'skipped', finished_at = ${now}
    WHERE id IN (SELECT id FROM locked) AND status IN ('waiting', 'pending', 'retrying')
    RETURNING id`;
  for (const s of skipped) emit({ type: "task.skipped", actor, goalId: task.goal_id, subtaskId: s.id, data: { status: "skipped", because: task.id } });
  return skipped.map((s) => s.id);
}

// ---------------------------------------------------------------------------------------
// Batched completion: many reports in one transaction, set-based. The same fencing as
// completeTask, decided per item: a report that completeTask would refuse (unknown task,
// someone else's attempt, a stale attempt) is refused here too, item by item, while the
// rest of the batch commits. Locks are taken in id order (agents, then tasks, then the
// dependents being released), so concurrent batches cannot deadlock on one another.

export interface CompletionInput {
  subtaskId: string;
  agentId: string;
  attempt?: number;
  result: string;
  usage?: Usage;
}

export type CompletionOutcome =
  | { subtaskId: string; ok: true; repeated: boolean; subtask: SubtaskRow; released: string[] }
  | { subtaskId: string; ok: false; error: SwitchyardError };

interface BatchAttemptRow extends AttemptRow {
  ord: number;
}

export async function completeTasks(items: CompletionInput[], options: { now?: Date } = {}): Promise<CompletionOutcome[]> {
  if (items.length === 0) return [];
  const now = options.now ?? new Date();
  const { outcomes, goals } = await withEvents(async (tx, emit) => {
    await lockAgents(tx, items.map((i) => i.agentId)); // agents before tasks (lib/orchestration/locks.ts)
    const ids = [...new Set(items.map((i) => i.subtaskId))];
    const locked = await tx.$queryRawUnsafe<SubtaskRow[]>(
      `SELECT ${SUBTASK_COLUMNS} FROM subtasks WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
      ids,
    );
    const tasks = new Map(locked.map((t) => [t.id, t]));
    // Each item's attempt: the numbered one, or the caller's latest on the task.
    const attemptRows = await tx.$queryRaw<BatchAttemptRow[]>`
      SELECT q.ord::int AS ord, a.number, a.agent_id, a.outcome, a.started_at
      FROM unnest(${items.map((i) => i.subtaskId)}::uuid[], ${items.map((i) => i.agentId)}::uuid[], ${items.map((i) => i.attempt ?? null)}::int[])
        WITH ORDINALITY AS q(subtask_id, agent_id, number, ord)
      CROSS JOIN LATERAL (
        SELECT number, agent_id, outcome, started_at FROM attempts a
        WHERE a.subtask_id = q.subtask_id AND (CASE WHEN q.number IS NULL THEN a.agent_id = q.agent_id ELSE a.number = q.number END)
        ORDER BY a.number DESC LIMIT 1
      ) a`;
    const attempts = new Map(attemptRows.map((a) => [a.ord - 1, a]));

    const outcomes: Array<CompletionOutcome | undefined> = [];
    const accepted: Array<{ index: number; item: CompletionInput; task: SubtaskRow; attempt: AttemptRow; durationMs: number }> = [];
    const completedNow = new Set<string>();
    items.forEach((item, index) => {
      const task = tasks.get(item.subtaskId);
      try {
        if (!task) throw notFound("subtask", item.subtaskId, "subtask_uuid");
        const attempt = attempts.get(index);
        if (!attempt || attempt.agent_id !== item.agentId) {
          throw forbidden(item.attempt ? `attempt ${item.attempt} of subtask ${task.id} is not this agent's` : `subtask ${task.id} is not assigned to this agent`, item.attempt ? "attempt" : "subtask_uuid");
        }
        // The same report twice in one batch: the second is a repeat of the first.
        const outcome = completedNow.has(`${task.id}:${attempt.number}`) ? "completed" : attempt.outcome;
        if (outcome === "completed") {
          outcomes[index] = { subtaskId: item.subtaskId, ok: true, repeated: true, subtask: task, released: [] };
          return;
        }
        if (outcome !== "running" || attempt.number !== task.attempt || task.status !== "running") throw staleAttempt(task, attempt);
        completedNow.add(`${task.id}:${attempt.number}`);
        accepted.push({ index, item, task, attempt, durationMs: Math.max(0, now.getTime() - attempt.started_at.getTime()) });
      } catch (error) {
        if (!(error instanceof SwitchyardError)) throw error;
        outcomes[index] = { subtaskId: item.subtaskId, ok: false, error };
      }
    });
    if (accepted.length === 0) return { outcomes: outcomes as CompletionOutcome[], goals: [] as string[] };

    // The attempts and the tasks in one statement; the task rows are known (locked above).
    await tx.$executeRaw`
      WITH c AS (
        SELECT * FROM unnest(${accepted.map((a) => a.task.id)}::uuid[], ${accepted.map((a) => a.attempt.number)}::int[], ${accepted.map((a) => a.item.result)}::text[])
          AS c(subtask_id, number, result)
      ), att AS (
        UPDATE attempts a SET outcome = 'completed', result = c.result, ended_at = ${now}
        FROM c WHERE a.subtask_id = c.subtask_id AND a.number = c.number
      )
      UPDATE subtasks s SET status = 'completed', result = c.result, error = NULL, finished_at = ${now}, deadline_at = NULL
      FROM c WHERE s.id = c.subtask_id`;
    const updatedById = new Map(
      accepted.map((a) => [a.task.id, { ...a.task, status: "completed", result: a.item.result, error: null, finished_at: now } satisfies SubtaskRow]),
    );

    const perAgent = new Map<string, { n: number; ms: number }>();
    for (const a of accepted) {
      const s = perAgent.get(a.item.agentId) ?? { n: 0, ms: 0 };
      s.n += 1;
      s.ms += a.durationMs;
      perAgent.set(a.item.agentId, s);
    }
    const agentIds = [...perAgent.keys()].sort();
    // The agents (locked above) counted in one statement.
    await tx.$executeRaw`
      UPDATE agents a SET running = GREATEST(a.running - c.n, 0), tasks_done = a.tasks_done + c.n,
        total_duration_ms = a.total_duration_ms + c.ms, last_heartbeat_at = ${now}, offline = false
      FROM unnest(${agentIds}::uuid[], ${agentIds.map((id) => perAgent.get(id)!.n)}::int[], ${agentIds.map((id) => perAgent.get(id)!.ms)}::bigint[]) AS c(id, n, ms)
      WHERE a.id = c.id`;
    for (const a of accepted) {
      emit({
        type: "task.completed",
        actor: `agent:${a.item.agentId}`,
        goalId: a.task.goal_id,
        subtaskId: a.task.id,
        agentId: a.item.agentId,
        data: { attempt: a.attempt.number, status: "completed", duration_ms: a.durationMs },
      });
    }

    // Dependents: one decrement per completed parent; those reaching zero become ready.
    const releasedRows = await tx.$queryRaw<Array<{ id: string; status: string; goal_id: string; after: string }>>`
      WITH done AS (SELECT unnest(${accepted.map((a) => a.task.id)}::uuid[]) AS id),
      dec AS (
        SELECT d.subtask_id, count(*)::int AS n, max(d.depends_on_id::text)::uuid AS after
        FROM subtask_dependencies d JOIN done ON d.depends_on_id = done.id GROUP BY d.subtask_id
      ),
      locked AS (SELECT s.id FROM subtasks s JOIN dec ON dec.subtask_id = s.id ORDER BY s.id FOR UPDATE OF s)
      UPDATE subtasks s SET pending_deps = s.pending_deps - dec.n,
        status = CASE WHEN s.pending_deps = dec.n AND s.status = 'waiting' THEN 'pending' ELSE s.status END,
        ready_at = CASE WHEN s.pending_deps = dec.n AND s.status = 'waiting' THEN ${now}::timestamptz ELSE s.ready_at END
      FROM dec WHERE s.id = dec.subtask_id AND s.id IN (SELECT id FROM locked)
      RETURNING s.id, s.status, s.goal_id, dec.after::text AS after`;
    const releasedBy = new Map<string, string[]>();
    const agentOf = new Map(accepted.map((a) => [a.task.id, a.item.agentId]));
    for (const r of releasedRows) {
      if (r.status !== "pending") continue;
      const actorAgent = agentOf.get(r.after);
      emit({ type: "task.ready", actor: actorAgent ? `agent:${actorAgent}` : "system", goalId: r.goal_id, subtaskId: r.id, data: { status: "pending", after: r.after } });
      const list = releasedBy.get(r.after) ?? [];
      list.push(r.id);
      releasedBy.set(r.after, list);
    }
    for (const a of accepted) {
      outcomes[a.index] = { subtaskId: a.task.id, ok: true, repeated: false, subtask: updatedById.get(a.task.id)!, released: releasedBy.get(a.task.id) ?? [] };
    }
    // Usage last: it locks goal rows (after agents and tasks), in goal id order.
    const withUsage = accepted.filter((a) => hasUsage(a.item.usage)).sort((x, y) => (x.task.goal_id < y.task.goal_id ? -1 : x.task.goal_id > y.task.goal_id ? 1 : 0));
    for (const a of withUsage) {
      await recordUsage(tx, emit, { goalId: a.task.goal_id, subtaskId: a.task.id, attempt: a.attempt.number, agentId: a.item.agentId, usage: a.item.usage!, actor: `agent:${a.item.agentId}`, now });
      recordAgentUsage(a.item.agentId, a.item.usage!);
    }
    return { outcomes: outcomes as CompletionOutcome[], goals: [...new Set(accepted.map((a) => a.task.goal_id))] };
  });
  recordCompletions("accepted", outcomes.filter((o) => o.ok && !o.repeated).length);
  recordCompletions("repeated", outcomes.filter((o) => o.ok && o.repeated).length);
  recordCompletions("refused", outcomes.filter((o) => !o.ok).length);
  for (const goalId of goals) await finalizeGoalIfDone(goalId, now);
  return outcomes;
}
