import { handler } from "@/lib/api/handler";
import { failBody } from "@/lib/api/schemas";
import { failTask } from "@/lib/orchestration/report-result";
import { getSubtask } from "@/lib/presenters/subtask-detail";

// POST /api/orchestration/fail – the assigned agent reports that its attempt failed
export const POST = handler({ auth: "agent", body: failBody }, async ({ body, requireAgent }) => {
  const agent = await requireAgent();
  const failed = await failTask({ subtaskId: body.subtask_uuid, agentId: agent.id, attempt: body.attempt, error: body.error });
  return { subtask: await getSubtask(failed.subtask.id) };
});
