import { handler, json } from "@/lib/api/handler";
import { tensorQuery } from "@/lib/api/schemas";
import { float32LittleEndian, toDense } from "@/lib/orchestration/tensor";
import { loadDenseTensor, loadTensor } from "@/lib/presenters/tensor";

// GET /api/orchestration/tensor – T[n_tasks, n_agents, 4] as dense JSON, sparse JSON or binary Float32
export const GET = handler({ query: tensorQuery }, async ({ query }) => {
  if (query.format === "binary") {
    // Straight into a Float32Array and out without a copy (the ids: format=sparse or /tensor/labels).
    const dense = await loadDenseTensor({ goalId: query.goal_id });
    return new Response(float32LittleEndian(dense.data) as Uint8Array<ArrayBuffer>, {
      headers: {
        "content-type": "application/octet-stream",
        "x-tensor-shape": dense.shape.join(","),
        "x-tensor-dtype": "float32-le",
        "cache-control": "no-store",
      },
    });
  }
  const tensor = await loadTensor({ goalId: query.goal_id });
  const ids = { shape: tensor.shape, task_ids: tensor.taskIds, agent_ids: tensor.agentIds };
  if (query.format === "sparse") return json({ ...ids, format: "sparse", entries: tensor.entries });
  return json({ ...ids, format: "dense", data: toDense(tensor) });
});
