import { handler } from "@/lib/api/handler";
import { idParams } from "@/lib/api/schemas";
import { getWorkflowResult } from "@/lib/presenters/workflow-result";

// GET /api/goals/:id/result – the goal's workflow result in seed 002's format
export const GET = handler({ params: idParams }, async ({ params }) => getWorkflowResult(params.id));
