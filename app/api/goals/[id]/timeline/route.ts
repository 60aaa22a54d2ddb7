import { handler } from "@/lib/api/handler";
import { idParams } from "@/lib/api/schemas";
import { getTimeline } from "@/lib/presenters/timeline";

// GET /api/goals/:id/timeline – every attempt of the goal's tasks (queue wait, run, outcome) for the Gantt view
export const GET = handler({ params: idParams }, async ({ params }) => getTimeline(params.id));
