import { handler } from "@/lib/api/handler";
import { idParams } from "@/lib/api/schemas";
import { cancelGoal } from "@/lib/orchestration/operator-actions";
import { getGoal } from "@/lib/presenters/goals";

// POST /api/goals/:id/cancel – every open task of the goal is cancelled and the goal closed as cancelled
export const POST = handler({ params: idParams }, async ({ params, actor }) => {
  await cancelGoal({ goalId: params.id, actor: actor() });
  return { goal: await getGoal(params.id) };
});
