import { handler } from "@/lib/api/handler";
import { idParams } from "@/lib/api/schemas";
import { rejectBody } from "@/lib/api/schemas/steer";
import { rejectTask } from "@/lib/orchestration/approval";
import { getSubtask } from "@/lib/presenters/subtask-detail";

// POST /api/tasks/:id/reject – the awaiting attempt is rejected with feedback and a new attempt queued
export const POST = handler({ params: idParams, body: rejectBody }, async ({ params, body, actor }) => {
  const rejected = await rejectTask({ subtaskId: params.id, feedback: body.feedback, actor: actor() });
  return { subtask: await getSubtask(params.id), rejected_attempt: rejected.rejectedAttempt };
});
