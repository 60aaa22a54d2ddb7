// Attempts the operator started for an agent (POST /api/tasks/:id/reassign, or the
// operator's assign across all agents) reach that agent through its next assign call,
// like any other work: pullTasks hands them over first, once each (attempts.delivered_at,
// NULL until then).
import type { Tx } from "@/lib/db";
import type { Assignment } from "@/lib/orchestration/assign-tasks";

/** Marks the agent's undelivered attempts delivered and returns those still running, as assignments. */
export async function takeUndeliveredAttempts(tx: Tx, agentId: string, now: Date): Promise<Assignment[]> {
  const rows = await tx.$queryRaw<
    Array<{ id: string; goal_id: string; attempt: number; key: string; name: string; description: string; required_skills: string[]; priority: number; timeout_s: number; deadline_at: Date; goal: string; context: string | null }>
  >`
    WITH taken AS (
      UPDATE attempts SET delivered_at = ${now}
      WHERE agent_id = ${agentId}::uuid AND delivered_at IS NULL
      RETURNING subtask_id, number, outcome
    )
    SELECT s.id, s.goal_id, s.attempt, s.key, s.name, s.description, s.required_skills, s.priority, s.timeout_s, s.deadline_at, g.goal, g.context
    FROM taken t
    JOIN subtasks s ON s.id = t.subtask_id AND s.attempt = t.number AND s.status = 'running' AND s.agent_id = ${agentId}::uuid
    JOIN goals g ON g.id = s.goal_id
    WHERE t.outcome = 'running'
    ORDER BY s.priority, s.critical_path_s DESC, s.id`;
  if (rows.length === 0) return [];
  const inputs = await tx.$queryRaw<Array<{ subtask_id: string; key: string; name: string; result: string | null }>>`
    SELECT d.subtask_id, p.key, p.name, p.result FROM subtask_dependencies d JOIN subtasks p ON p.id = d.depends_on_id
    WHERE d.subtask_id = ANY(${rows.map((r) => r.id)}::uuid[]) ORDER BY p.position`;
  const inputsByTask = new Map<string, Assignment["inputs"]>();
  for (const i of inputs) inputsByTask.set(i.subtask_id, [...(inputsByTask.get(i.subtask_id) ?? []), { key: i.key, name: i.name, result: i.result }]);
  return rows.map((r) => ({
    subtaskId: r.id,
    goalId: r.goal_id,
    agentId,
    attempt: r.attempt,
    key: r.key,
    name: r.name,
    description: r.description,
    requiredSkills: r.required_skills,
    priority: r.priority,
    timeoutS: r.timeout_s,
    deadlineAt: r.deadline_at,
    goal: r.goal,
    context: r.context,
    inputs: inputsByTask.get(r.id) ?? [],
  }));
}
