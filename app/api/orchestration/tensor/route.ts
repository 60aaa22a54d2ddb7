import { handler, json } from "@/lib/api/handler";
import { tensorQuery } from "@/lib/api/schemas";
import { toDense, toFloat32 } from "@/lib/orchestration/tensor";
import { loadTensor } from "@/lib/presenters/tensor";

// GET /api/orchestration/tensor – T[n_tasks, n_agents, 4] as dense JSON, sparse JSON or binary Float32
export const GET = handler({ query: tensorQuery }, async ({ query }) => {
  const tensor = await loadTensor({ goalId: query.goal_id });
  const ids = { shape: tensor.shape, task_ids: tensor.taskIds, agent_ids: tensor.agentIds };
  if (query.format === "sparse") return json({ ...ids, format: "sparse", entries: tensor.entries });
  if (query.format === "binary") {
    return new Response(new Uint8Array(toFloat32(tensor)), {
      headers: {
        "content-type": "application/octet-stream",
        "x-tensor-shape": tensor.shape.join(","),
        "x-tensor-dtype": "float32-le",
        "cache-control": "no-store",
      },
    });
  }
  return json({ ...ids, format: "dense", data: toDense(tensor) });
});
