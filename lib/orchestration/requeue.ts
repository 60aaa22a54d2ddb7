// Puts an agent's running tasks back in the pool (agent gone offline or unregistered):
// their attempts end as "lost" and the tasks are pending again, to be re-routed. A lost
// attempt is not the task's fault, so it does not count towards max attempts — but a
// task whose agents keep dying under it (a poison task) fails after LOST_ATTEMPTS_CAP
// such losses instead of taking down the whole pool one agent at a time.
import type { Tx } from "@/lib/db";
import type { Emit } from "@/lib/events/record";
import { skipDownstream } from "@/lib/orchestration/report-result";
import type { Columns } from "@/lib/db/rows";

/** Agents lost while running one task before the task is failed: max(5, 2 × max attempts). */
export function lostAttemptsCap(maxAttempts: number): number {
  return Math.max(5, 2 * maxAttempts);
}

export async function requeueAgentTasks(tx: Tx, emit: Emit, agentId: string, reason: string, actor: string, now: Date): Promise<string[]> {
  const tasks = await tx.$queryRaw<Array<Columns<"subtasks", "id" | "goal_id" | "attempt">>>`
    UPDATE subtasks SET status = 'pending', agent_id = NULL, deadline_at = NULL, started_at = NULL
    WHERE agent_id = ${agentId}::uuid AND status = 'running'
    RETURNING id, goal_id, attempt`;
  if (tasks.length === 0) return [];
  await tx.$executeRaw`
    UPDATE attempts SET outcome = 'lost', ended_at = ${now}, error = ${`agent ${reason}`}
    WHERE agent_id = ${agentId}::uuid AND outcome = 'running'`;
  await tx.$executeRaw`UPDATE agents SET running = 0 WHERE id = ${agentId}::uuid`;
  const poisoned =
    reason === "offline"
      ? await failPoisonTasks(
          tx,
          emit,
          tasks.map((t) => t.id),
          actor,
          now,
        )
      : new Set<string>();
  const requeued = tasks.filter((t) => !poisoned.has(t.id));
  for (const t of requeued) {
    emit({
      type: "task.requeued",
      actor,
      goalId: t.goal_id,
      subtaskId: t.id,
      agentId,
      data: { reason, attempt: t.attempt, status: "pending" },
    });
  }
  return requeued.map((t) => t.id);
}

/** Fails (and skips downstream of) the tasks among `taskIds` whose agents went offline under them too often. */
async function failPoisonTasks(tx: Tx, emit: Emit, taskIds: string[], actor: string, now: Date): Promise<Set<string>> {
  const counts = await tx.$queryRaw<Array<Columns<"subtasks", "id" | "goal_id" | "max_attempts"> & { lost: number }>>`
    SELECT s.id, s.goal_id, s.max_attempts,
      (SELECT count(*)::int FROM attempts a WHERE a.subtask_id = s.id AND a.outcome = 'lost' AND a.error = 'agent offline') AS lost
    FROM subtasks s WHERE s.id = ANY(${taskIds}::uuid[]) ORDER BY s.id`;
  const poisoned = counts.filter((c) => c.lost >= lostAttemptsCap(c.max_attempts));
  for (const task of poisoned) {
    const error = `failed: ${task.lost} agents went offline while running it`;
    await tx.$executeRaw`UPDATE subtasks SET status = 'failed', error = ${error}, finished_at = ${now} WHERE id = ${task.id}::uuid`;
    emit({ type: "task.failed", actor, goalId: task.goal_id, subtaskId: task.id, data: { status: "failed", lost: task.lost, error } });
    await skipDownstream(tx, emit, task, now, actor);
  }
  return new Set(poisoned.map((p) => p.id));
}
