import { handler } from "@/lib/api/handler";
import { progressBody } from "@/lib/api/schemas/progress";
import { reportProgress } from "@/lib/orchestration/report-progress";

// POST /api/orchestration/progress – the assigned agent reports progress, a message, output and usage of its running attempt
export const POST = handler({ auth: "agent", body: progressBody }, async ({ body, requireAgent }) => {
  const agent = await requireAgent();
  const push = await reportProgress({
    subtaskId: body.subtask_uuid,
    agentId: agent.id,
    attempt: body.attempt,
    progress: body.progress,
    message: body.message,
    output: body.output,
    usage: body.usage,
  });
  return {
    subtask_uuid: push.subtask_id,
    attempt: push.attempt,
    progress: push.progress,
    message: push.message,
    output_bytes: push.output_bytes,
    dropped_bytes: push.dropped_bytes,
    usage: push.usage,
    goal_paused: push.goal_paused,
  };
});
