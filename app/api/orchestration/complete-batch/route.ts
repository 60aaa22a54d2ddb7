import { handler } from "@/lib/api/handler";
import { completeBatchBody } from "@/lib/api/schemas";
import { errorStatus } from "@/lib/api/error-codes";
import { completeTasks } from "@/lib/orchestration/report-result";

// POST /api/orchestration/complete-batch – the calling agent reports many attempts' results at once
// Body {completions: [{subtask_uuid, result, attempt?}]} (up to 1,000). Each item is fenced
// like POST /complete; refused items do not stop the others. Answer: {results: [...]} in
// request order, each {subtask_uuid, ok: true, status, repeated, released} or
// {subtask_uuid, ok: false, status: <HTTP status it would have had>, error: {code, message, field?}}.
export const POST = handler({ auth: "agent", body: completeBatchBody }, async ({ body, requireAgent }) => {
  const agent = await requireAgent();
  const outcomes = await completeTasks(
    body.completions.map((c) => ({
      subtaskId: c.subtask_uuid,
      agentId: agent.id,
      attempt: c.attempt,
      result: typeof c.result === "string" ? c.result : JSON.stringify(c.result),
      spawn: c.spawn,
      usage: c.usage,
    })),
  );
  return {
    results: outcomes.map((o) =>
      o.ok
        ? { subtask_uuid: o.subtaskId, ok: true, status: o.subtask.status, repeated: o.repeated, released: o.released }
        : {
            subtask_uuid: o.subtaskId,
            ok: false,
            status: errorStatus[o.error.code],
            error: { code: o.error.code, message: o.error.message, ...(o.error.field ? { field: o.error.field } : {}) },
          },
    ),
  };
});
