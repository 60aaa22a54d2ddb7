// A goal's usage and budget as the API shows them (issue 9).
export interface GoalUsageRow {
  input_tokens: bigint;
  output_tokens: bigint;
  cost_usd: number;
  budget_max_cost_usd: number | null;
  budget_max_tokens: bigint | null;
}

export function goalUsage(g: GoalUsageRow) {
  return {
    usage: { input_tokens: Number(g.input_tokens), output_tokens: Number(g.output_tokens), cost_usd: g.cost_usd },
    budget:
      g.budget_max_cost_usd === null && g.budget_max_tokens === null
        ? null
        : { max_cost_usd: g.budget_max_cost_usd, max_tokens: g.budget_max_tokens === null ? null : Number(g.budget_max_tokens) },
  };
}
