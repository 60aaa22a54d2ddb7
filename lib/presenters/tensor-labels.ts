// The row and column labels of the task tensor (task key and name, agent name), in the
// tensor's own order, for the heatmap's hover: the binary tensor carries only values.
import { db } from "@/lib/db";
import { loadTensor } from "@/lib/presenters/tensor";

export async function loadTensorLabels(options: { goalId?: string }) {
  const tensor = await loadTensor({ goalId: options.goalId });
  const [tasks, agents] = await Promise.all([
    db().subtask.findMany({ where: { id: { in: tensor.taskIds } }, select: { id: true, key: true, name: true, goalId: true } }),
    db().agent.findMany({ where: { id: { in: tensor.agentIds } }, select: { id: true, name: true } }),
  ]);
  const taskById = new Map(tasks.map((t) => [t.id, t]));
  const agentById = new Map(agents.map((a) => [a.id, a]));
  return {
    shape: tensor.shape,
    tasks: tensor.taskIds.map((id) => ({
      id,
      key: taskById.get(id)?.key ?? "?",
      name: taskById.get(id)?.name ?? "",
      goal_id: taskById.get(id)?.goalId ?? null,
    })),
    agents: tensor.agentIds.map((id) => ({ id, name: agentById.get(id)?.name ?? id.slice(0, 8) })),
  };
}
