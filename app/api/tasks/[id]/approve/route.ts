import { handler } from "@/lib/api/handler";
import { idParams } from "@/lib/api/schemas";
import { approveBody } from "@/lib/api/schemas/steer";
import { approveTask } from "@/lib/orchestration/approval";
import { getSubtask } from "@/lib/presenters/subtask-detail";

// POST /api/tasks/:id/approve – a task awaiting approval completes (with the edited result, when given)
export const POST = handler({ params: idParams, body: approveBody }, async ({ params, body, actor }) => {
  const result = body.result === undefined ? undefined : typeof body.result === "string" ? body.result : JSON.stringify(body.result);
  const approved = await approveTask({ subtaskId: params.id, result, actor: actor() });
  return { subtask: await getSubtask(params.id), edited: approved.edited, released: approved.released };
});
