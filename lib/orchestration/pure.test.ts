import { describe, expect, it } from "vitest";
import { retryDelayMs } from "@/lib/orchestration/backoff";
import { planAssignments } from "@/lib/orchestration/plan-assignments";
import { buildTensor, toDense, toFloat32 } from "@/lib/orchestration/tensor";

describe("retry backoff", () => {
  it("grows exponentially, stays within [½, 1] of the step, and is capped", () => {
    const opts = { baseMs: 100, maxMs: 1000 };
    expect(retryDelayMs(1, { ...opts, random: () => 0 })).toBe(50);
    expect(retryDelayMs(1, { ...opts, random: () => 0.999999 })).toBe(100);
    expect(retryDelayMs(3, { ...opts, random: () => 0 })).toBe(200);
    expect(retryDelayMs(10, { ...opts, random: () => 0.999999 })).toBe(1000);
    // With any jitter, a later retry never waits less than an earlier one.
    for (let n = 1; n < 4; n++)
      expect(retryDelayMs(n + 1, { ...opts, random: () => 0 })).toBeGreaterThanOrEqual(
        retryDelayMs(n, { ...opts, random: () => 0.999999 }),
      );
  });
});

describe("assignment across agents", () => {
  it("gives each task to the least loaded capable agent, then the best skill match", () => {
    const plan = planAssignments(
      [
        { id: "t1", requiredSkills: ["py"] },
        { id: "t2", requiredSkills: ["py"] },
        { id: "t3", requiredSkills: ["go"] },
        { id: "t4", requiredSkills: ["py"] },
        { id: "t5", requiredSkills: ["rust"] },
      ],
      [
        { id: "generalist", skills: ["py", "go", "js"], capacity: 2, running: 0 },
        { id: "specialist", skills: ["py"], capacity: 2, running: 0 },
      ],
    );
    expect(plan).toEqual([
      { taskId: "t1", agentId: "specialist" }, // tie on load → fewer extra skills
      { taskId: "t2", agentId: "generalist" }, // now the generalist is less loaded
      { taskId: "t3", agentId: "generalist" }, // only it can do go
      { taskId: "t4", agentId: "specialist" },
      // t5: nobody can, and capacity is used up anyway
    ]);
  });
});

describe("task tensor", () => {
  const agents = [
    { id: "a", skills: ["x", "y"], capacity: 1, running: 1, live: true },
    { id: "b", skills: ["x"], capacity: 2, running: 0, live: true },
    { id: "c", skills: ["x", "y"], capacity: 1, running: 0, live: false },
  ];
  const tasks = [
    { id: "running", status: "running", priority: 1, agentId: "a", requiredSkills: ["x"] },
    { id: "open-x", status: "pending", priority: 0, agentId: null, requiredSkills: ["x"] },
    { id: "open-y", status: "waiting", priority: 3, agentId: null, requiredSkills: ["y"] },
    { id: "nobody", status: "pending", priority: 2, agentId: null, requiredSkills: ["z"] },
    { id: "failed", status: "failed", priority: 2, agentId: null, requiredSkills: [] },
  ];

  it("puts 1.0 on the holder, a distribution over capable live agents for open tasks, zero elsewhere", () => {
    const tensor = buildTensor(tasks, agents);
    expect(tensor.shape).toEqual([5, 3, 4]);
    const dense = toDense(tensor);
    expect(dense[0]![0]).toEqual([0, 1, 0, 0]);
    const rowSum = (i: number, level: number) => dense[i]!.reduce((s, cell) => s + cell[level]!, 0);
    expect(rowSum(1, 0)).toBeCloseTo(1, 6);
    expect(dense[1]![1]![0]).toBeGreaterThan(dense[1]![0]![0]!); // b is idle, a is full
    expect(dense[1]![2]![0]).toBe(0); // c is not live
    expect(rowSum(2, 3)).toBeCloseTo(1, 6);
    expect(dense[2]![0]![3]).toBe(1); // only a has y among live agents
    expect(dense[3]!.flat().every((v) => v === 0)).toBe(true);
    expect(dense[4]!.flat().every((v) => v === 0)).toBe(true);
    // No value outside the task's priority level.
    expect(dense[1]!.every((cell) => cell[1] === 0 && cell[2] === 0 && cell[3] === 0)).toBe(true);
  });

  it("encodes the same values as little-endian Float32", () => {
    const tensor = buildTensor(tasks, agents);
    const floats = new Float32Array(new Uint8Array(toFloat32(tensor)).buffer);
    expect(floats.length).toBe(5 * 3 * 4);
    const dense = toDense(tensor).flat(2);
    dense.forEach((v, k) => expect(floats[k]).toBeCloseTo(v, 6));
  });
});
