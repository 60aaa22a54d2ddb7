// A goal's budget: `max_cost_usd` and/or `max_tokens` (input + output). Once the usage
// recorded against the goal passes either, the goal is paused with the reason
// `budget_exceeded` (nothing more of it is assigned; running attempts may still report);
// raising the budget resumes it.
import type { Tx } from "@/lib/db";
import { OPEN_SUBTASK_STATUSES } from "@/lib/domain";
import { withEvents } from "@/lib/events/record";
import { notFound, SwitchyardError } from "@/lib/errors";
import { finalizeGoalIfDone } from "@/lib/orchestration/finalize-goal";
import { pauseGoal, resumeGoal } from "@/lib/orchestration/pause-goal";

const OPEN: readonly string[] = OPEN_SUBTASK_STATUSES;

export interface Budget {
  maxCostUsd: number | null;
  maxTokens: number | null;
}

export interface UsedAgainstBudget {
  tokens: number;
  costUsd: number;
}

/** Which limit the usage has passed (strictly above it), or null. */
export function budgetPassed(used: UsedAgainstBudget, budget: Budget): "max_cost_usd" | "max_tokens" | null {
  if (budget.maxCostUsd !== null && used.costUsd > budget.maxCostUsd + 1e-12) return "max_cost_usd";
  if (budget.maxTokens !== null && used.tokens > budget.maxTokens) return "max_tokens";
  return null;
}

/** A pending or running goal whose usage has passed its budget. */
export function budgetPassedNow(options: { status: string; used: UsedAgainstBudget; budget: Budget }): boolean {
  if (options.status !== "pending" && options.status !== "running") return false;
  return budgetPassed(options.used, options.budget) !== null;
}

/**
 * Pauses a goal whose budget a report passed, in its own transaction right after that
 * report's commit: the pause locks the goal's open tasks before the goal (steer's
 * lib/orchestration/pause-goal.ts), which a report holding its task and the goal row
 * cannot do without risking a deadlock with another report. Once it commits, no claim
 * takes a task of the goal (they are held). True when this call paused it.
 */
export async function pauseForBudget(goalId: string, actor: string, now = new Date()): Promise<boolean> {
  try {
    await withEvents((tx, emit) => pauseGoal(tx, { goalId, reason: "budget_exceeded", actor, now, emit }));
    return true;
  } catch (error) {
    // Already paused (a concurrent report got there first), or finished meanwhile.
    if (error instanceof SwitchyardError && (error.code === "conflict" || error.code === "not_found")) return false;
    throw error;
  }
}

/** Sets the goal's limits (a field left out stays as it is; null removes that limit). */
export async function setBudget(
  tx: Tx,
  goalId: string,
  budget: { max_cost_usd?: number | null; max_tokens?: number | null },
): Promise<void> {
  await tx.$executeRaw`
    UPDATE goals SET
      budget_max_cost_usd = CASE WHEN ${budget.max_cost_usd !== undefined} THEN ${budget.max_cost_usd ?? null}::float8 ELSE budget_max_cost_usd END,
      budget_max_tokens = CASE WHEN ${budget.max_tokens !== undefined} THEN ${budget.max_tokens ?? null}::bigint ELSE budget_max_tokens END
    WHERE id = ${goalId}::uuid`;
}

/**
 * PATCH /api/goals/:id {budget}: sets the goal's limits, in one transaction with what they
 * change. A goal paused for its budget resumes once its usage is within the new limits; a
 * pending or running goal whose usage passes the new (lower) limits pauses now. Locks as
 * pause and resume do: the goal's open tasks (id order), then the goal.
 */
export async function updateGoalBudget(options: {
  goalId: string;
  budget: { max_cost_usd?: number | null; max_tokens?: number | null };
  actor: string;
  now?: Date;
}): Promise<{ resumed: boolean; paused: boolean }> {
  const now = options.now ?? new Date();
  const { goalId, actor } = options;
  const outcome = await withEvents(async (tx, emit) => {
    await tx.$queryRaw`SELECT id FROM subtasks WHERE goal_id = ${goalId}::uuid AND status = ANY(${OPEN}::text[]) ORDER BY id FOR UPDATE`;
    const found = await tx.$queryRaw<Array<{ id: string }>>`SELECT id FROM goals WHERE id = ${goalId}::uuid FOR UPDATE`;
    if (!found[0]) throw notFound("goal", goalId, "id");
    await setBudget(tx, goalId, options.budget);
    const rows = await tx.$queryRaw<
      Array<{
        status: string;
        pause_reason: string | null;
        input_tokens: bigint;
        output_tokens: bigint;
        cost_usd: number;
        budget_max_cost_usd: number | null;
        budget_max_tokens: bigint | null;
      }>
    >`SELECT status, pause_reason, input_tokens, output_tokens, cost_usd, budget_max_cost_usd, budget_max_tokens FROM goals WHERE id = ${goalId}::uuid`;
    const goal = rows[0]!;
    const budget: Budget = {
      maxCostUsd: goal.budget_max_cost_usd,
      maxTokens: goal.budget_max_tokens === null ? null : Number(goal.budget_max_tokens),
    };
    const used: UsedAgainstBudget = { tokens: Number(goal.input_tokens) + Number(goal.output_tokens), costUsd: goal.cost_usd };
    emit({
      type: "goal.budget_changed",
      actor,
      goalId,
      data: { max_cost_usd: budget.maxCostUsd, max_tokens: budget.maxTokens, at: now.toISOString() },
    });
    if (goal.status === "paused" && goal.pause_reason === "budget_exceeded" && budgetPassed(used, budget) === null) {
      await resumeGoal(tx, { goalId, actor, now, emit });
      return { resumed: true, paused: false };
    }
    if (budgetPassedNow({ status: goal.status, used, budget })) {
      await pauseGoal(tx, { goalId, reason: "budget_exceeded", actor, now, emit });
      return { resumed: false, paused: true };
    }
    return { resumed: false, paused: false };
  });
  // A goal whose work all ended while it was paused is closed once it resumes.
  if (outcome.resumed) await finalizeGoalIfDone(goalId, now);
  return outcome;
}
