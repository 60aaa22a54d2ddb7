import { handler } from "@/lib/api/handler";
import { presentAssignment } from "@/lib/api/present";
import { idParams, reassignBody } from "@/lib/api/schemas";
import { reassignTask } from "@/lib/orchestration/operator-actions";
import { getSubtask } from "@/lib/presenters/subtask-detail";

// POST /api/tasks/:id/reassign – a pending, retrying or running task goes to a chosen live, capable agent
export const POST = handler({ params: idParams, body: reassignBody }, async ({ params, body, actor }) => {
  const reassigned = await reassignTask({ subtaskId: params.id, agentId: body.agent_id, actor: actor() });
  return {
    subtask: await getSubtask(params.id),
    assignment: presentAssignment(reassigned.assignment),
    superseded_attempt: reassigned.supersededAttempt,
  };
});
