// The task tensor of seed 001, T[n_tasks, n_agents, 4] (pure):
// - a running or completed task: 1.0 at (task, its agent, its priority level);
// - a waiting, pending or retrying task: the probability that each capable live agent
//   gets it (weights favour the less loaded, as assignment does), summing to 1 over agents;
// - zero elsewhere (failed, cancelled, skipped, or no capable agent).

export interface TensorTask {
  id: string;
  status: string;
  priority: number;
  agentId: string | null;
  requiredSkills: string[];
}

export interface TensorAgent {
  id: string;
  skills: string[];
  capacity: number;
  running: number;
  live: boolean;
}

export interface SparseTensor {
  shape: [number, number, 4];
  taskIds: string[];
  agentIds: string[];
  /** [task index, agent index, priority level, value] */
  entries: Array<[number, number, number, number]>;
}

const OPEN = new Set(["waiting", "pending", "retrying"]);
const HELD = new Set(["running", "completed"]);

export function canDo(agentSkills: ReadonlySet<string>, required: readonly string[]): boolean {
  for (const s of required) if (!agentSkills.has(s)) return false;
  return true;
}

export function buildTensor(tasks: TensorTask[], agents: TensorAgent[]): SparseTensor {
  const agentIndex = new Map(agents.map((a, j) => [a.id, j]));
  const skillSets = agents.map((a) => new Set(a.skills));
  const weight = agents.map((a) => (a.live ? 1 / (1 + a.running / Math.max(1, a.capacity)) : 0));
  // Tasks with the same skill set share their distribution.
  const distributions = new Map<string, Array<[number, number]>>();
  const entries: SparseTensor["entries"] = [];
  tasks.forEach((task, i) => {
    const level = Math.min(3, Math.max(0, task.priority));
    if (HELD.has(task.status)) {
      const j = task.agentId ? agentIndex.get(task.agentId) : undefined;
      if (j !== undefined) entries.push([i, j, level, 1]);
      return;
    }
    if (!OPEN.has(task.status)) return;
    const signature = [...task.requiredSkills].sort().join("\u0000");
    let distribution = distributions.get(signature);
    if (!distribution) {
      const capable: Array<[number, number]> = [];
      let total = 0;
      agents.forEach((_, j) => {
        if (weight[j]! > 0 && canDo(skillSets[j]!, task.requiredSkills)) {
          capable.push([j, weight[j]!]);
          total += weight[j]!;
        }
      });
      distribution = capable.map(([j, w]) => [j, w / total]);
      distributions.set(signature, distribution);
    }
    for (const [j, p] of distribution) entries.push([i, j, level, p]);
  });
  return { shape: [tasks.length, agents.length, 4], taskIds: tasks.map((t) => t.id), agentIds: agents.map((a) => a.id), entries };
}

export function toDense(tensor: SparseTensor): number[][][] {
  const [n, m] = tensor.shape;
  const data = Array.from({ length: n }, () => Array.from({ length: m }, () => [0, 0, 0, 0]));
  for (const [i, j, p, v] of tensor.entries) data[i]![j]![p] = v;
  return data;
}

/** Row-major little-endian Float32: index ((i * m) + j) * 4 + p. */
export function toFloat32(tensor: SparseTensor): Buffer {
  const [n, m] = tensor.shape;
  const buffer = Buffer.alloc(n * m * 4 * 4);
  for (const [i, j, p, v] of tensor.entries) buffer.writeFloatLE(v, ((i * m + j) * 4 + p) * 4);
  return buffer;
}
