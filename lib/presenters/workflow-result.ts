// Seed 002's response format for a goal (a workflow): status, combined result, steps
// completed and failed, total time and the agents (nodes) that worked on it. While the
// goal is open the result holds what has completed so far.
import { db } from "@/lib/db";
import type { GoalStatus, SubtaskStatus } from "@/lib/domain";
import { notFound } from "@/lib/errors";
import { aggregateResults, loadAggregationInputs, type AggregatedResult } from "@/lib/orchestration/aggregate";
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
  const tasks = await loadAggregationInputs(db(), goalId);
  // Every agent that ran an attempt, in the order they first started one.
  const agents = await db().$queryRaw<Array<{ name: string }>>`
    SELECT a.name FROM attempts t JOIN subtasks s ON s.id = t.subtask_id JOIN agents a ON a.id = t.agent_id
    WHERE s.goal_id = ${goalId}::uuid GROUP BY a.id, a.name ORDER BY min(t.started_at), a.name`;
  const aggregated = goal.result ?? aggregateResults(tasks, false, goal.aggregation_strategy);
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
