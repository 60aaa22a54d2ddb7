// The task tensor of seed 001, T[n_tasks, n_agents, 4] (pure):
// - a running or completed task: 1.0 at (task, its agent, its priority level);
// - a waiting, pending or retrying task: the probability that each capable live agent
//   gets it (weights favour the less loaded, as assignment does), summing to 1 over agents;
// - zero elsewhere (failed, cancelled, skipped, or no capable agent).
import { QUEUED_SUBTASK_STATUSES } from "@/lib/domain";

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

const OPEN = new Set<string>(QUEUED_SUBTASK_STATUSES);
const HELD = new Set(["running", "completed"]);

export function canDo(agentSkills: ReadonlySet<string>, required: readonly string[]): boolean {
  for (const s of required) if (!agentSkills.has(s)) return false;
  return true;
}

/** Calls `sink(i, j, level, value)` for every non-zero entry, tasks in order. */
export function forEachTensorEntry(
  tasks: TensorTask[],
  agents: TensorAgent[],
  sink: (i: number, j: number, level: number, value: number) => void,
): void {
  const agentIndex = new Map(agents.map((a, j) => [a.id, j]));
  const skillSets = agents.map((a) => new Set(a.skills));
  const weight = agents.map((a) => (a.live ? 1 / (1 + a.running / Math.max(1, a.capacity)) : 0));
  // Tasks with the same skill set share their distribution.
  const distributions = new Map<string, Array<[number, number]>>();
  tasks.forEach((task, i) => {
    const level = Math.min(3, Math.max(0, task.priority));
    if (HELD.has(task.status)) {
      const j = task.agentId ? agentIndex.get(task.agentId) : undefined;
      if (j !== undefined) sink(i, j, level, 1);
      return;
    }
    if (!OPEN.has(task.status)) return;
    const signature = task.requiredSkills.length <= 1 ? (task.requiredSkills[0] ?? "") : [...task.requiredSkills].sort().join("\u0000");
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
    for (const [j, p] of distribution) sink(i, j, level, p);
  });
}

export function buildTensor(tasks: TensorTask[], agents: TensorAgent[]): SparseTensor {
  const entries: SparseTensor["entries"] = [];
  forEachTensorEntry(tasks, agents, (i, j, p, v) => entries.push([i, j, p, v]));
  return { shape: [tasks.length, agents.length, 4], taskIds: tasks.map((t) => t.id), agentIds: agents.map((a) => a.id), entries };
}

export interface DenseTensor {
  shape: [number, number, 4];
  taskIds: string[];
  agentIds: string[];
  /** Row-major: index ((i * m) + j) * 4 + p. */
  data: Float32Array;
}

/** The dense tensor straight into a Float32Array, without the sparse entries in between. */
export function buildDenseTensor(tasks: TensorTask[], agents: TensorAgent[]): DenseTensor {
  const m = agents.length;
  const data = new Float32Array(tasks.length * m * 4);
  forEachTensorEntry(tasks, agents, (i, j, p, v) => {
    data[(i * m + j) * 4 + p] = v;
  });
  return { shape: [tasks.length, m, 4], taskIds: tasks.map((t) => t.id), agentIds: agents.map((a) => a.id), data };
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The bytes of `data` as little-endian Float32, without a copy on a little-endian host. */
export function float32LittleEndian(data: Float32Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(data.length * 4);
  const view = new DataView(out.buffer);
  for (let k = 0; k < data.length; k++) view.setFloat32(k * 4, data[k]!, true);
  return out;
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
  const data = new Float32Array(n * m * 4);
  for (const [i, j, p, v] of tensor.entries) data[(i * m + j) * 4 + p] = v;
  const bytes = float32LittleEndian(data);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
