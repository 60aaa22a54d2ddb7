import { handler, json } from "@/lib/api/handler";
import { presentCreatedGoal } from "@/lib/api/present";
import { decomposeBody, goalsQuery } from "@/lib/api/schemas";
import { decomposeGoal } from "@/lib/orchestration/decompose";
import { listGoalPage } from "@/lib/presenters/goals";

// GET /api/goals – goals, newest first, with task counts and progress; status filter, text search (q), keyset pages (cursor)
export const GET = handler({ query: goalsQuery }, async ({ query }) => listGoalPage(query));

// POST /api/goals – submit a goal (same body as /api/orchestration/decompose)
export const POST = handler({ body: decomposeBody }, async ({ body, actor }) => {
  const created = await decomposeGoal(body, actor());
  return json(presentCreatedGoal(created), body.dry_run ? 200 : 201);
});
