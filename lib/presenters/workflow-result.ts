// Seed 002's response format for a goal (a workflow): status, combined result, steps
// completed and failed, total time and the agents (nodes) that worked on it. While the
// goal is open the result holds what has completed so far.
import { db } from "@/lib/db";
import type { GoalStatus, SubtaskStatus } from "@/lib/domain";
import { notFound } from "@/lib/errors";
import { aggregateResults, type AggregatedResult } from "@/lib/orchestration/aggregate";
import type { AggregationStrategy } from "@/lib/domain";

export async function getWorkflowResult(goalId: string, now = new Date()) {
  const goals = await db().$queryRaw<
    Array<{
      id: string;
      goal: string;
      status: GoalStatus;
      aggregation_strategy: AggregationStrategy;
      result: AggregatedResult | null;
      created_at: Date;
      started_at: Date | null;
      finished_at: Date | null;
    }>
  >`
    SELECT id, goal, status, aggregation_strategy, result, created_at, started_at, finished_at FROM goals WHERE id = ${goalId}::uuid`;
  const goal = goals[0];
  if (!goal) throw notFound("goal", goalId, "id");
  const tasks = await db().$queryRaw<
    Array<{
      id: string;
      key: string;
      name: string;
      status: SubtaskStatus;
      result: string | null;
      error: string | null;
      failures: number;
      agent_name: string | null;
      is_sink: boolean;
      kind: string;
      depends_on: string[];
    }>
  >`
    SELECT s.id, s.key, s.name, s.status, s.result, s.error, s.failures, COALESCE(a.name, (SELECT la.name FROM attempts t JOIN agents la ON la.id = t.agent_id WHERE t.subtask_id = s.id ORDER BY t.number DESC LIMIT 1)) AS agent_name,
      NOT EXISTS (SELECT 1 FROM subtask_dependencies d WHERE d.depends_on_id = s.id) AS is_sink, s.kind,
      ARRAY(SELECT d.depends_on_id::text FROM subtask_dependencies d WHERE d.subtask_id = s.id) AS depends_on
    FROM subtasks s LEFT JOIN agents a ON a.id = s.agent_id
    WHERE s.goal_id = ${goalId}::uuid ORDER BY s.position`;
  // Every agent that ran an attempt, in the order they first started one.
  const agents = await db().$queryRaw<Array<{ name: string }>>`
    SELECT a.name FROM attempts t JOIN subtasks s ON s.id = t.subtask_id JOIN agents a ON a.id = t.agent_id
    WHERE s.goal_id = ${goalId}::uuid GROUP BY a.id, a.name ORDER BY min(t.started_at), a.name`;
  const aggregated =
    goal.result ??
    aggregateResults(
      tasks.map((t) => ({
        id: t.id,
        key: t.key,
        name: t.name,
        status: t.status,
        result: t.result,
        error: t.error,
        agentName: t.agent_name,
        isSink: t.is_sink,
        kind: t.kind,
        dependsOn: t.depends_on,
      })),
      false,
      goal.aggregation_strategy,
    );
  const count = (s: SubtaskStatus) => tasks.filter((t) => t.status === s).length;
  const names = agents.map((a) => a.name);
  const start = goal.started_at;
  return {
    workflow_id: goal.id,
    goal: goal.goal,
    status: goal.status,
    aggregation: goal.aggregation_strategy,
    result: {
      strategy: aggregated.strategy ?? goal.aggregation_strategy,
      final_output: aggregated.final_output,
      ...(aggregated.value !== undefined ? { value: aggregated.value } : {}),
      ...(aggregated.error ? { error: aggregated.error } : {}),
      outputs: aggregated.outputs,
    },
    steps_completed: count("completed"),
    steps_failed: count("failed"),
    steps_skipped: count("skipped"),
    steps_cancelled: count("cancelled"),
    steps_total: tasks.length,
    total_time_ms: start ? Math.max(0, (goal.finished_at ?? now).getTime() - start.getTime()) : 0,
    agents_used: names,
    nodes_used: names,
    failures: tasks.filter((t) => t.status === "failed").map((t) => ({ key: t.key, name: t.name, error: t.error, attempts: t.failures })),
    started_at: goal.started_at,
    finished_at: goal.finished_at,
  };
}

export type WorkflowResultView = Awaited<ReturnType<typeof getWorkflowResult>>;
