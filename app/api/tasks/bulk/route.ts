import { handler } from "@/lib/api/handler";
import { bulkBody } from "@/lib/api/schemas/steer";
import { bulkTasks } from "@/lib/orchestration/bulk-tasks";

// POST /api/tasks/bulk – retry, cancel, reassign or re-run every task a filter matches, in bounded batches (dry_run: count only)
export const POST = handler({ body: bulkBody }, async ({ body, actor }) => {
  const status =
    body.filter.status === undefined ? undefined : Array.isArray(body.filter.status) ? body.filter.status : [body.filter.status];
  return bulkTasks({
    action: body.action,
    filter: { ...body.filter, status },
    agentId: body.agent_id,
    dryRun: body.dry_run,
    actor: actor(),
  });
});
