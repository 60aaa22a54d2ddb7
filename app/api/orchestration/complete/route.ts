import { handler } from "@/lib/api/handler";
import { completeBody } from "@/lib/api/schemas";
import { completeTask } from "@/lib/orchestration/report-result";
import { getSubtask } from "@/lib/presenters/subtask-detail";

// POST /api/orchestration/complete – the assigned agent reports its attempt's result
export const POST = handler({ auth: "agent", body: completeBody }, async ({ body, requireAgent }) => {
  const agent = await requireAgent();
  const result = typeof body.result === "string" ? body.result : JSON.stringify(body.result);
  const done = await completeTask({
    subtaskId: body.subtask_uuid,
    agentId: agent.id,
    attempt: body.attempt,
    result,
    usage: body.usage,
    spawn: body.spawn,
  });
  return { subtask: await getSubtask(done.subtask.id), released: done.released };
});
