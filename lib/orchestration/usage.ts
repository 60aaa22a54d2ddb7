// Usage (tokens, cost) an agent reports with `progress` or `complete`: added to its
// attempt, to the goal's totals (the goal row, so the budget check is one UPDATE under
// the goal's lock) and to the per-agent Prometheus counters. Values add up: a report
// carries what was used since the previous one.
import type { Tx } from "@/lib/db";
import type { Emit } from "@/lib/events/record";
import { budgetPassedNow } from "@/lib/orchestration/budget";

export interface Usage {
  input_tokens?: number;
  output_tokens?: number;
  cost_usd?: number;
  model?: string;
}

export interface UsageTotals {
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  model?: string | null;
}

export const ZERO_USAGE: UsageTotals = { input_tokens: 0, output_tokens: 0, cost_usd: 0 };

export function hasUsage(usage: Usage | undefined): usage is Usage {
  return !!usage && (!!usage.input_tokens || !!usage.output_tokens || !!usage.cost_usd || !!usage.model);
}

/**
 * Adds `usage` to the attempt, its agent and its goal; answers whether the goal (still
 * pending or running) has now passed its budget — the caller then pauses it after its
 * commit (pauseForBudget). The caller holds the agent and task locks; the goal row is
 * locked last here (agents → tasks → goals, lib/orchestration/locks.ts).
 */
export async function recordUsage(
  tx: Tx,
  emit: Emit,
  options: { goalId: string; subtaskId: string; attempt: number; agentId: string; usage: Usage; actor: string; now: Date },
): Promise<{ passed: boolean }> {
  const { usage } = options;
  const input = usage.input_tokens ?? 0;
  const output = usage.output_tokens ?? 0;
  const cost = usage.cost_usd ?? 0;
  await tx.$executeRaw`
    UPDATE attempts SET input_tokens = input_tokens + ${input}, output_tokens = output_tokens + ${output},
      cost_usd = cost_usd + ${cost}, model = COALESCE(${usage.model ?? null}, model)
    WHERE subtask_id = ${options.subtaskId}::uuid AND number = ${options.attempt}`;
  if (input === 0 && output === 0 && cost === 0) return { passed: false };
  await tx.$executeRaw`
    UPDATE agents SET input_tokens = input_tokens + ${input}, output_tokens = output_tokens + ${output}, cost_usd = cost_usd + ${cost}
    WHERE id = ${options.agentId}::uuid`;
  const goals = await tx.$queryRaw<
    Array<{
      status: string;
      input_tokens: bigint;
      output_tokens: bigint;
      cost_usd: number;
      budget_max_cost_usd: number | null;
      budget_max_tokens: bigint | null;
    }>
  >`
    UPDATE goals SET input_tokens = input_tokens + ${input}, output_tokens = output_tokens + ${output}, cost_usd = cost_usd + ${cost}
    WHERE id = ${options.goalId}::uuid
    RETURNING status, input_tokens, output_tokens, cost_usd, budget_max_cost_usd, budget_max_tokens`;
  const goal = goals[0];
  if (!goal) return { passed: false };
  void emit;
  const passed = budgetPassedNow({
    status: goal.status,
    used: { tokens: Number(goal.input_tokens) + Number(goal.output_tokens), costUsd: goal.cost_usd },
    budget: { maxCostUsd: goal.budget_max_cost_usd, maxTokens: goal.budget_max_tokens === null ? null : Number(goal.budget_max_tokens) },
  });
  return { passed };
}
