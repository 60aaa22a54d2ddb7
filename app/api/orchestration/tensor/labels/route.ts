import { handler } from "@/lib/api/handler";
import { tensorLabelsQuery } from "@/lib/api/schemas";
import { loadTensorLabels } from "@/lib/presenters/tensor-labels";

// GET /api/orchestration/tensor/labels – the tensor's task and agent labels in its row and column order
export const GET = handler({ query: tensorLabelsQuery }, async ({ query }) => loadTensorLabels({ goalId: query.goal_id }));
