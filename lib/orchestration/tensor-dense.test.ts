// The binary tensor's fast path (straight into a Float32Array) equals the sparse tensor.
import { describe, expect, it } from "vitest";
import {
  buildDenseTensor,
  buildTensor,
  float32LittleEndian,
  toFloat32,
  type TensorAgent,
  type TensorTask,
} from "@/lib/orchestration/tensor";

const statuses = ["waiting", "pending", "running", "completed", "failed", "retrying", "skipped"];
const skills = ["a", "b", "c"];

function fixture(): { tasks: TensorTask[]; agents: TensorAgent[] } {
  const agents: TensorAgent[] = Array.from({ length: 7 }, (_, j) => ({
    id: `agent-${j}`,
    skills: skills.filter((_, s) => (j + s) % 3 !== 0),
    capacity: 1 + (j % 3),
    running: j % 2,
    live: j !== 5,
  }));
  const tasks: TensorTask[] = Array.from({ length: 40 }, (_, i) => ({
    id: `task-${i}`,
    status: statuses[i % statuses.length]!,
    priority: i % 4,
    agentId: i % 7 === 2 || i % 7 === 3 ? `agent-${i % 7}` : null,
    requiredSkills: skills.filter((_, s) => (i >> s) & 1),
  }));
  return { tasks, agents };
}

describe("buildDenseTensor", () => {
  it("holds exactly the sparse tensor's entries, little-endian", () => {
    const { tasks, agents } = fixture();
    const sparse = buildTensor(tasks, agents);
    const dense = buildDenseTensor(tasks, agents);
    expect(dense.shape).toEqual(sparse.shape);
    expect(dense.taskIds).toEqual(sparse.taskIds);
    expect(sparse.entries.length).toBeGreaterThan(20);
    const bytes = float32LittleEndian(dense.data);
    expect(Buffer.from(bytes)).toEqual(toFloat32(sparse));
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const m = agents.length;
    for (const [i, j, p, v] of sparse.entries) expect(view.getFloat32(((i * m + j) * 4 + p) * 4, true)).toBeCloseTo(v, 6);
    const nonZero = Array.from(dense.data).filter((x) => x !== 0).length;
    expect(nonZero).toBe(sparse.entries.length);
  });
});
