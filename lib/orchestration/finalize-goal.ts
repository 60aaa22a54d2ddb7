// When every task of a goal is terminal, aggregate its results and close it. Runs after
// the transaction that finished a task commits (and from the sweep, as a safety net), so
// the last of several concurrent finishers always sees the goal complete.
import { db, type DbOrTx } from "@/lib/db";
import { OPEN_SUBTASK_SQL } from "@/lib/db/status-sql";
import { OPEN_GOAL_STATUSES, type GoalStatus } from "@/lib/domain";
import { withEvents } from "@/lib/events/record";
import { aggregateResults } from "@/lib/orchestration/aggregate";
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
  if (await goalHasOpenTasks(db(), goalId)) return false;
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
    const tasks = await tx.$queryRaw<
      Array<
        Columns<"subtasks", "id" | "key" | "name" | "status" | "result" | "error" | "kind"> & {
          agent_name: string | null;
          is_sink: boolean;
          depends_on: string[];
        }
      >
    >`
      SELECT s.id, s.key, s.name, s.status, s.result, s.error, COALESCE(a.name, (SELECT la.name FROM attempts t JOIN agents la ON la.id = t.agent_id WHERE t.subtask_id = s.id ORDER BY t.number DESC LIMIT 1)) AS agent_name,
        NOT EXISTS (SELECT 1 FROM subtask_dependencies d WHERE d.depends_on_id = s.id) AS is_sink, s.kind,
        ARRAY(SELECT d.depends_on_id::text FROM subtask_dependencies d WHERE d.subtask_id = s.id) AS depends_on
      FROM subtasks s LEFT JOIN agents a ON a.id = s.agent_id
      WHERE s.goal_id = ${goalId}::uuid ORDER BY s.position`;
    const aggregated = aggregateResults(
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
      cancelled,
      goal.aggregation_strategy,
    );
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
