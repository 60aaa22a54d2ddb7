// A goal's budget: `max_cost_usd` and/or `max_tokens` (input + output). Once the usage
// recorded against the goal passes either, the goal is paused with the reason
// `budget_exceeded` (nothing more of it is assigned; running attempts may still report);
// raising the budget resumes it.
import type { Tx } from "@/lib/db";
import { withEvents } from "@/lib/events/record";
import { SwitchyardError } from "@/lib/errors";
import { pauseGoal } from "@/lib/orchestration/pause-goal";

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
export async function setBudget(tx: Tx, goalId: string, budget: { max_cost_usd?: number | null; max_tokens?: number | null }): Promise<void> {
  await tx.$executeRaw`
    UPDATE goals SET
      budget_max_cost_usd = CASE WHEN ${budget.max_cost_usd !== undefined} THEN ${budget.max_cost_usd ?? null}::float8 ELSE budget_max_cost_usd END,
      budget_max_tokens = CASE WHEN ${budget.max_tokens !== undefined} THEN ${budget.max_tokens ?? null}::bigint ELSE budget_max_tokens END
    WHERE id = ${goalId}::uuid`;
}
