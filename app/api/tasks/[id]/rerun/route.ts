import { handler } from "@/lib/api/handler";
import { idParams } from "@/lib/api/schemas";
import { rerunBody } from "@/lib/api/schemas/steer";
import { rerunTask } from "@/lib/orchestration/rerun-task";
import { getSubtask } from "@/lib/presenters/subtask-detail";

// POST /api/tasks/:id/rerun – a finished task and its downstream cone run again with fresh budgets
export const POST = handler({ params: idParams, body: rerunBody }, async ({ params, body, actor }) => {
  const rerun = await rerunTask({ subtaskId: params.id, description: body.description, actor: actor() });
  return { subtask: await getSubtask(params.id), reset: rerun.reset };
});
