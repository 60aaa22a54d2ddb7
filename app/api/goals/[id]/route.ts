import { handler } from "@/lib/api/handler";
import { idParams } from "@/lib/api/schemas";
import { getGoal } from "@/lib/presenters/goals";

// GET /api/goals/:id – one goal with its subtasks and dependency edges
export const GET = handler({ params: idParams }, async ({ params }) => getGoal(params.id));
