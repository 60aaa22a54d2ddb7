// Loads what the task tensor needs: one goal's tasks (or every open goal's), and the
// agents (registered ones plus any that still hold one of the tasks).
import { db } from "@/lib/db";
import {
  buildDenseTensor,
  buildTensor,
  type DenseTensor,
  type SparseTensor,
  type TensorAgent,
  type TensorTask,
} from "@/lib/orchestration/tensor";
import { notFound } from "@/lib/errors";
import { isLive } from "@/lib/orchestration/liveness";

export async function loadTensor(options: { goalId?: string; now?: Date }): Promise<SparseTensor> {
  const { tasks, agents } = await loadTensorInputs(options);
  return buildTensor(tasks, agents);
}

/** The same tensor as a Float32Array (for format=binary): no sparse entries in between. */
export async function loadDenseTensor(options: { goalId?: string; now?: Date }): Promise<DenseTensor> {
  const { tasks, agents } = await loadTensorInputs(options);
  return buildDenseTensor(tasks, agents);
}

async function loadTensorInputs(options: { goalId?: string; now?: Date }): Promise<{ tasks: TensorTask[]; agents: TensorAgent[] }> {
  const now = options.now ?? new Date();
  if (options.goalId) {
    const goal = await db().goal.findUnique({ where: { id: options.goalId }, select: { id: true } });
    if (!goal) throw notFound("goal", options.goalId, "goal_id");
  }
  const tasks = await db().$queryRaw<
    Array<{ id: string; status: string; priority: number; agent_id: string | null; required_skills: string[] }>
  >`
    SELECT s.id, s.status, s.priority, s.agent_id, s.required_skills FROM subtasks s JOIN goals g ON g.id = s.goal_id
    WHERE (${options.goalId ?? null}::uuid IS NULL AND g.status IN ('pending', 'running')) OR s.goal_id = ${options.goalId ?? null}::uuid
    ORDER BY g.created_at, s.position`;
  const holders = [...new Set(tasks.flatMap((t) => (t.agent_id ? [t.agent_id] : [])))];
  const agents = await db().$queryRaw<
    Array<{ id: string; skills: string[]; capacity: number; running: number; offline: boolean; removed: boolean; last_heartbeat_at: Date }>
  >`
    SELECT id, skills, capacity, running, offline, removed, last_heartbeat_at FROM agents
    WHERE NOT removed OR id = ANY(${holders}::uuid[]) ORDER BY registered_at, id`;
  return {
    tasks: tasks.map((t) => ({ id: t.id, status: t.status, priority: t.priority, agentId: t.agent_id, requiredSkills: t.required_skills })),
    agents: agents.map((a) => ({ id: a.id, skills: a.skills, capacity: a.capacity, running: a.running, live: isLive(a, now) })),
  };
}
