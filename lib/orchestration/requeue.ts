// Puts an agent's running tasks back in the pool (agent gone offline or unregistered):
// their attempts end as "lost" and the tasks are pending again, to be re-routed. A lost
// attempt is not the task's fault, so it does not count towards max attempts.
import type { Tx } from "@/lib/db";
import type { Emit } from "@/lib/events/record";

export async function requeueAgentTasks(tx: Tx, emit: Emit, agentId: string, reason: string, actor: string, now: Date): Promise<string[]> {
  const tasks = await tx.$queryRaw<Array<{ id: string; goal_id: string; attempt: number }>>`
    UPDATE subtasks SET status = 'pending', agent_id = NULL, deadline_at = NULL, started_at = NULL
    WHERE agent_id = ${agentId}::uuid AND status = 'running'
    RETURNING id, goal_id, attempt`;
  if (tasks.length === 0) return [];
  await tx.$executeRaw`
    UPDATE attempts SET outcome = 'lost', ended_at = ${now}, error = ${`agent ${reason}`}
    WHERE agent_id = ${agentId}::uuid AND outcome = 'running'`;
  await tx.$executeRaw`UPDATE agents SET running = 0 WHERE id = ${agentId}::uuid`;
  for (const t of tasks) {
    emit({ type: "task.requeued", actor, goalId: t.goal_id, subtaskId: t.id, agentId, data: { reason, attempt: t.attempt, status: "pending" } });
  }
  return tasks.map((t) => t.id);
}
