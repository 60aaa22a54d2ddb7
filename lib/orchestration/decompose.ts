// Decompose = create a goal from the request body: an explicit JSON plan, a markdown
// master plan, or a template. Shared by /api/orchestration/decompose and POST /api/goals.
import { createGoal, type PlanInput } from "@/lib/orchestration/create-goal";

export interface DecomposeRequest {
  goal: string;
  context?: string;
  plan?: { tasks: PlanInput[] };
  plan_markdown?: string;
  dry_run?: boolean;
}

export async function decomposeGoal(body: DecomposeRequest, actor: string) {
  return createGoal({ goal: body.goal, context: body.context, plan: body.plan, dryRun: body.dry_run, actor });
}
