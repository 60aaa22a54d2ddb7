import { handler } from "@/lib/api/handler";
import { idParams } from "@/lib/api/schemas";
import { cancelTask } from "@/lib/orchestration/operator-actions";
import { getSubtask } from "@/lib/presenters/subtask-detail";

// POST /api/tasks/:id/cancel – an open task is cancelled and everything downstream of it skipped
export const POST = handler({ params: idParams }, async ({ params, actor }) => {
  const cancelled = await cancelTask({ subtaskId: params.id, actor: actor() });
  return { subtask: await getSubtask(params.id), skipped: cancelled.skipped };
});
