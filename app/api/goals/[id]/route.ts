import { handler } from "@/lib/api/handler";
import { idParams } from "@/lib/api/schemas";
import { updateGoalBody } from "@/lib/api/schemas/progress";
import { updateGoalBudget } from "@/lib/orchestration/budget";
import { getGoal } from "@/lib/presenters/goals";

// GET /api/goals/:id – one goal with its subtasks and dependency edges
export const GET = handler({ params: idParams }, async ({ params }) => getGoal(params.id));

// PATCH /api/goals/:id – change the goal's budget; a goal paused for its budget resumes once within it
export const PATCH = handler({ params: idParams, body: updateGoalBody }, async ({ params, body, actor }) => {
  await updateGoalBudget({ goalId: params.id, budget: body.budget, actor: actor() });
  return getGoal(params.id);
});
