// Decompose = create a goal from the request body: an explicit JSON plan, a markdown
// master plan, or a template. Shared by /api/orchestration/decompose and POST /api/goals.
import { SwitchyardError } from "@/lib/errors";
import { createGoal, type PlanInput } from "@/lib/orchestration/create-goal";
import { parseMarkdownPlan } from "@/lib/orchestration/markdown-plan";

export interface DecomposeRequest {
  goal: string;
  context?: string;
  plan?: { tasks: PlanInput[] };
  plan_markdown?: string;
  dry_run?: boolean;
}

export async function decomposeGoal(body: DecomposeRequest, actor: string) {
  if (body.plan && body.plan_markdown !== undefined) {
    throw new SwitchyardError("validation_failed", "send either plan or plan_markdown, not both", { field: "plan_markdown" });
  }
  const parsed = body.plan_markdown !== undefined ? { template: "explicit" as const, tasks: parseMarkdownPlan(body.plan_markdown).tasks } : undefined;
  return createGoal({ goal: body.goal, context: body.context, plan: body.plan, parsed, dryRun: body.dry_run, actor });
}
