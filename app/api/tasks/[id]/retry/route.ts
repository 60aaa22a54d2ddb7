import { handler } from "@/lib/api/handler";
import { idParams } from "@/lib/api/schemas";
import { retryTask } from "@/lib/orchestration/operator-actions";
import { getSubtask } from "@/lib/presenters/subtask-detail";

// POST /api/tasks/:id/retry – a failed, cancelled or skipped task runs again (its skipped dependents too)
export const POST = handler({ params: idParams }, async ({ params, actor }) => {
  const retried = await retryTask({ subtaskId: params.id, actor: actor() });
  return { subtask: await getSubtask(params.id), unskipped: retried.unskipped };
});
