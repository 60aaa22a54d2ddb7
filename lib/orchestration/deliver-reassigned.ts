// Attempts the operator started for an agent (POST /api/tasks/:id/reassign, or the
// operator's assign across all agents) reach that agent through its next assign call,
// like any other work: pullTasks hands them over first, once each (attempts.delivered_at,
// NULL until then).
import { Prisma, type Tx } from "@/lib/db";
import { dependencyInputs, previousAttempts, toAssignment, type Assignment, type AssignmentRow } from "@/lib/orchestration/assignment";

/** Whether the agent of row `agent` has attempts waiting to be handed over, as an SQL expression. */
export function hasUndeliveredSql(agent: string): Prisma.Sql {
  return Prisma.sql`EXISTS (SELECT 1 FROM attempts u WHERE u.agent_id = ${Prisma.raw(agent)}.id AND u.delivered_at IS NULL)`;
}

/** Marks the agent's undelivered attempts delivered and returns those still running, as assignments. */
export async function takeUndeliveredAttempts(tx: Tx, agentId: string, now: Date): Promise<Assignment[]> {
  const rows = await tx.$queryRaw<AssignmentRow[]>`
    WITH taken AS (
      UPDATE attempts SET delivered_at = ${now}
      WHERE agent_id = ${agentId}::uuid AND delivered_at IS NULL
      RETURNING subtask_id, number, outcome
    )
    SELECT s.id, s.goal_id, s.agent_id, s.attempt, s.key, s.name, s.description, s.required_skills, s.priority, s.timeout_s, s.deadline_at, g.goal, g.context
    FROM taken t
    JOIN subtasks s ON s.id = t.subtask_id AND s.attempt = t.number AND s.status = 'running' AND s.agent_id = ${agentId}::uuid
    JOIN goals g ON g.id = s.goal_id
    WHERE t.outcome = 'running'
    ORDER BY s.priority, s.critical_path_s DESC, s.id`;
  if (rows.length === 0) return [];
  const inputs = await dependencyInputs(
    tx,
    rows.map((r) => r.id),
  );
  const previous = await previousAttempts(tx, rows);
  return rows.map((r) => toAssignment(r, inputs, previous));
}
