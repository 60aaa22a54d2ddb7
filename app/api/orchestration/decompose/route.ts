import { handler, json } from "@/lib/api/handler";
import { presentCreatedGoal } from "@/lib/api/present";
import { decomposeBody } from "@/lib/api/schemas";
import { decomposeGoal } from "@/lib/orchestration/decompose";

// POST /api/orchestration/decompose – decompose a goal into a DAG of subtasks and store it
export const POST = handler({ body: decomposeBody }, async ({ body, actor }) => {
  const created = await decomposeGoal(body, actor());
  return json(presentCreatedGoal(created), body.dry_run ? 200 : 201);
});
