// Decompose = create a goal from the request body: an explicit JSON plan, a markdown
// master plan, or a template. Shared by /api/orchestration/decompose and POST /api/goals.
import { SwitchyardError } from "@/lib/errors";
import { createGoal, type CreateGoalOptions, type PlanInput } from "@/lib/orchestration/create-goal";
import { parseMarkdownPlan } from "@/lib/orchestration/markdown-plan";
import { decomposeWithLlm } from "@/lib/orchestration/llm-decompose";
import { env } from "@/lib/env";
import type { AggregationStrategy, Planner } from "@/lib/domain";

export interface DecomposeRequest {
  goal: string;
  context?: string;
  plan?: { tasks: PlanInput[] };
  plan_markdown?: string;
  dry_run?: boolean;
  planner?: Planner;
  aggregation?: AggregationStrategy;
  budget?: CreateGoalOptions["budget"];
}

export async function decomposeGoal(body: DecomposeRequest, actor: string) {
  if (body.plan && body.plan_markdown !== undefined) {
    throw new SwitchyardError("validation_failed", "send either plan or plan_markdown, not both", { field: "plan_markdown" });
  }
  let parsed: CreateGoalOptions["parsed"];
  if (body.plan_markdown !== undefined) parsed = { template: "explicit", tasks: parseMarkdownPlan(body.plan_markdown).tasks };
  else if (!body.plan && body.planner !== "agent" && env().LLM_BASE_URL) {
    const { LLM_BASE_URL, LLM_API_KEY, LLM_MODEL } = env();
    const decomposition = await decomposeWithLlm(body.goal, body.context, {
      baseUrl: LLM_BASE_URL!,
      apiKey: LLM_API_KEY,
      model: LLM_MODEL,
    });
    if (decomposition.fallbackReason)
      console.warn(`[switchyard] LLM decomposition failed (${decomposition.fallbackReason}); using the templates`);
    parsed = decomposition;
  }
  return createGoal({
    goal: body.goal,
    context: body.context,
    plan: body.plan,
    parsed,
    dryRun: body.dry_run,
    actor,
    planner: body.planner,
    aggregation: body.aggregation,
    budget: body.budget,
  });
}
