// When every task of a goal is terminal, aggregate its results and close it. Runs after
// the transaction that finished a task commits (and from the sweep, as a safety net), so
// the last of several concurrent finishers always sees the goal complete.
import { pooled, type DbOrTx } from "@/lib/db";
import { OPEN_SUBTASK_SQL } from "@/lib/db/status-sql";
import { OPEN_GOAL_STATUSES, type GoalStatus } from "@/lib/domain";
import { withEvents } from "@/lib/events/record";
import { aggregateResults, loadAggregationInputs } from "@/lib/orchestration/aggregate";
import type { Columns } from "@/lib/db/rows";

/**
 * Whether any task of the goal is still open. Read from the highest plan position down
 * (subtasks_open_by_goal_idx): work finishes roughly in plan order, so the first entry
 * tried is nearly always an open task, not one of the many left by finished tasks.
 */
export async function goalHasOpenTasks(client: DbOrTx, goalId: string): Promise<boolean> {
  const open = await client.$queryRaw<Array<{ one: number }>>`
    SELECT 1 AS one FROM subtasks WHERE goal_id = ${goalId}::uuid AND status IN ${OPEN_SUBTASK_SQL}
    ORDER BY position DESC LIMIT 1`;
  return open.length > 0;
}

export async function finalizeGoalIfDone(goalId: string, now = new Date()): Promise<boolean> {
  if (await goalHasOpenTasks(pooled(), goalId)) return false;
  return withEvents(async (tx, emit) => {
    const goals = await tx.$queryRaw<
      Array<Columns<"goals", "status" | "aggregation_strategy">>
    >`SELECT status, aggregation_strategy FROM goals WHERE id = ${goalId}::uuid FOR UPDATE`;
    const goal = goals[0];
    // An open goal closes; a cancelled one gets its results aggregated once.
    if (!goal || !(goal.status === "cancelled" || (OPEN_GOAL_STATUSES as readonly GoalStatus[]).includes(goal.status))) return false;
    if (await goalHasOpenTasks(tx, goalId)) return false;
    const cancelled = goal.status === "cancelled";
    const alreadyAggregated = await tx.$queryRaw<
      Array<{ has: boolean }>
    >`SELECT result IS NOT NULL AS has FROM goals WHERE id = ${goalId}::uuid`;
    if (cancelled && alreadyAggregated[0]?.has) return false;
    const aggregated = aggregateResults(await loadAggregationInputs(tx, goalId), cancelled, goal.aggregation_strategy);
    await tx.$executeRaw`
      UPDATE goals SET status = ${aggregated.status}, pause_reason = NULL, result = ${JSON.stringify(aggregated)}::jsonb, finished_at = COALESCE(finished_at, ${now})
      WHERE id = ${goalId}::uuid`;
    emit({
      type: "goal.finished",
      actor: "system",
      goalId,
      data: { status: aggregated.status, steps_completed: aggregated.steps_completed, steps_failed: aggregated.steps_failed },
    });
    return true;
  });
}
