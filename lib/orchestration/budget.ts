// A goal's budget: `max_cost_usd` and/or `max_tokens` (input + output). Once the usage
// recorded against the goal passes either, the goal is paused with the reason
// `budget_exceeded` (nothing more of it is assigned; running attempts may still report);
// raising the budget resumes it.
import type { Tx } from "@/lib/db";
import type { Emit } from "@/lib/events/record";

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

/** Pauses the goal (caller holds its row lock) when its budget is passed; true when it paused it now. */
export async function enforceBudget(
  tx: Tx,
  emit: Emit,
  options: { goalId: string; status: string; used: UsedAgainstBudget; budget: Budget; actor: string; now: Date },
): Promise<boolean> {
  if (options.status !== "pending" && options.status !== "running") return false;
  const limit = budgetPassed(options.used, options.budget);
  if (!limit) return false;
  void tx;
  void emit;
  // TODO(visible): pauseGoal(tx, { goalId, reason: "budget_exceeded", actor, now }) from
  // lib/orchestration/pause-goal.ts once the steer helper lands it.
  return false;
}

/** Sets the goal's limits (a field left out stays as it is; null removes that limit). */
export async function setBudget(tx: Tx, goalId: string, budget: { max_cost_usd?: number | null; max_tokens?: number | null }): Promise<void> {
  await tx.$executeRaw`
    UPDATE goals SET
      budget_max_cost_usd = CASE WHEN ${budget.max_cost_usd !== undefined} THEN ${budget.max_cost_usd ?? null}::float8 ELSE budget_max_cost_usd END,
      budget_max_tokens = CASE WHEN ${budget.max_tokens !== undefined} THEN ${budget.max_tokens ?? null}::bigint ELSE budget_max_tokens END
    WHERE id = ${goalId}::uuid`;
}
