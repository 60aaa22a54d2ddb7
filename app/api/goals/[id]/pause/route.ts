import { handler } from "@/lib/api/handler";
import { idParams } from "@/lib/api/schemas";
import { pauseBody } from "@/lib/api/schemas/steer";
import { pauseGoalNow } from "@/lib/orchestration/pause-goal";
import { getGoal } from "@/lib/presenters/goals";

// POST /api/goals/:id/pause – the goal gets no new assignments (running attempts finish and report)
export const POST = handler({ params: idParams, body: pauseBody }, async ({ params, actor }) => {
  const paused = await pauseGoalNow({ goalId: params.id, reason: "operator", actor: actor() });
  return { goal: await getGoal(params.id), tasks_held: paused.held, tasks_running: paused.running };
});
