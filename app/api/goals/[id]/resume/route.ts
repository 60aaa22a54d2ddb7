import { handler } from "@/lib/api/handler";
import { idParams } from "@/lib/api/schemas";
import { resumeBody } from "@/lib/api/schemas/steer";
import { resumeGoalNow } from "@/lib/orchestration/pause-goal";
import { getGoal } from "@/lib/presenters/goals";

// POST /api/goals/:id/resume – a paused goal's tasks can be assigned again
export const POST = handler({ params: idParams, body: resumeBody }, async ({ params, actor }) => {
  const resumed = await resumeGoalNow({ goalId: params.id, actor: actor() });
  return { goal: await getGoal(params.id), tasks_released: resumed.released };
});
