import { handler } from "@/lib/api/handler";
import { idParams } from "@/lib/api/schemas";
import { outputQuery } from "@/lib/api/schemas/progress";
import { taskOutput } from "@/lib/presenters/task-output";

// GET /api/tasks/:id/output – the stored output of one attempt (the latest by default) as plain text
export const GET = handler({ params: idParams, query: outputQuery }, async ({ params, query }) => {
  const output = await taskOutput(params.id, query.attempt);
  return new Response(output.text, {
    status: 200,
    headers: {
      "content-type": "text/plain; charset=utf-8",
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
      "x-attempt": String(output.attempt ?? 0),
      "x-output-bytes": String(output.totalBytes),
      "x-dropped-bytes": String(output.droppedBytes),
    },
  });
});
