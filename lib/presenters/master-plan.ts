// Loads a goal and its tasks for seed 003's markdown master plan.
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { renderMasterPlan } from "@/lib/orchestration/markdown-plan";

export async function getMasterPlanMarkdown(goalId: string): Promise<string> {
  const goals = await db().$queryRaw<
    Array<{
      id: string;
      goal: string;
      context: string | null;
      status: string;
      template: string;
      created_at: Date;
      finished_at: Date | null;
      final_output: string | null;
    }>
  >`
    SELECT id, goal, context, status, template, created_at, finished_at, result->>'final_output' AS final_output FROM goals WHERE id = ${goalId}::uuid`;
  const goal = goals[0];
  if (!goal) throw notFound("goal", goalId, "id");
  const tasks = await db().$queryRaw<
    Array<{
      key: string;
      name: string;
      description: string;
      required_skills: string[];
      priority: number;
      estimated_duration_s: number;
      timeout_s: number;
      max_attempts: number;
      depends_on: string[];
      status: string;
      agent_name: string | null;
      attempt: number;
      started_at: Date | null;
      finished_at: Date | null;
      next_attempt_at: Date | null;
    }>
  >`
    SELECT s.key, s.name, s.description, s.required_skills, s.priority, s.estimated_duration_s, s.timeout_s, s.max_attempts, s.status,
      s.attempt, s.started_at, s.finished_at, s.next_attempt_at,
      COALESCE(a.name, (SELECT la.name FROM attempts t JOIN agents la ON la.id = t.agent_id WHERE t.subtask_id = s.id ORDER BY t.number DESC LIMIT 1)) AS agent_name,
      COALESCE((SELECT array_agg(p.key ORDER BY p.position) FROM subtask_dependencies d JOIN subtasks p ON p.id = d.depends_on_id WHERE d.subtask_id = s.id), '{}') AS depends_on
    FROM subtasks s LEFT JOIN agents a ON a.id = s.agent_id
    WHERE s.goal_id = ${goalId}::uuid ORDER BY s.position`;
  return renderMasterPlan(
    {
      id: goal.id,
      goal: goal.goal,
      context: goal.context,
      status: goal.status,
      template: goal.template,
      createdAt: goal.created_at,
      finishedAt: goal.finished_at,
      finalOutput: goal.final_output,
    },
    tasks.map((t) => ({
      key: t.key,
      name: t.name,
      description: t.description,
      requiredSkills: t.required_skills,
      priority: t.priority,
      estimatedDurationS: t.estimated_duration_s,
      timeoutS: t.timeout_s,
      maxAttempts: t.max_attempts,
      dependsOn: t.depends_on,
      status: t.status,
      agentName: t.agent_name,
      attempt: t.attempt,
      startedAt: t.started_at,
      finishedAt: t.finished_at,
      nextAttemptAt: t.next_attempt_at,
    })),
  );
}
