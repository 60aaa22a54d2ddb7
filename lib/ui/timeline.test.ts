import { describe, expect, it } from "vitest";
import { barAt, layoutTimeline, tickStep } from "@/lib/ui/timeline";
import type { Timeline } from "@/lib/presenters/timeline";

const timeline: Timeline = {
  now: 10_000,
  tasks: [
    { id: "a", key: "T-01", name: "first", status: "completed", ready: 0 },
    { id: "b", key: "T-02", name: "second", status: "running", ready: 1000 },
    { id: "c", key: "T-03", name: "third", status: "pending", ready: 4000 },
  ],
  agents: [
    { id: "x", name: "agent-x" },
    { id: "y", name: "agent-y" },
  ],
  attempts: [
    { task: 0, number: 1, agent: 0, outcome: "failed", queued: 0, started: 500, ended: 2000 },
    { task: 0, number: 2, agent: 1, outcome: "completed", queued: 2000, started: 2500, ended: 4000 },
    { task: 1, number: 1, agent: 0, outcome: "running", queued: 1000, started: 3000, ended: null },
  ],
};

describe("layoutTimeline", () => {
  it("draws a bar per attempt on its task's row, a running one up to now, and the queue wait of a task not started", () => {
    const l = layoutTimeline(timeline, "task");
    expect(l.rows.map((r) => r.label)).toEqual(["T-01", "T-02", "T-03"]);
    expect(l.barsByRow.map((r) => r.length)).toEqual([2, 1, 1]);
    const running = l.bars.find((b) => b.running)!;
    expect(running).toMatchObject({ row: 1, started: 3000, ended: 10_000 });
    const queued = l.bars.find((b) => b.outcome === "queued")!;
    expect(queued).toMatchObject({ row: 2, queued: 4000, started: 10_000 });
    expect([l.start, l.end]).toEqual([0, 10_000]);
  });
  it("puts the same attempts on their agents' rows when switched to agents", () => {
    const l = layoutTimeline(timeline, "agent");
    expect(l.rows.map((r) => r.label)).toEqual(["agent-x", "agent-y"]);
    expect(l.barsByRow.map((r) => r.length)).toEqual([2, 1]);
    expect(l.bars.some((b) => b.outcome === "queued")).toBe(false);
  });
  it("finds the bar under a point and picks a readable tick step", () => {
    const l = layoutTimeline(timeline, "task");
    expect(barAt(l, 0, 3000, 0)?.number).toBe(2);
    expect(barAt(l, 0, 1500, 0)?.number).toBe(1);
    expect(barAt(l, 1, 500, 0)).toBeUndefined();
    expect(tickStep(60_000, 900)).toBe(10_000);
    expect(tickStep(3_600_000, 900)).toBe(600_000);
  });
  it("lays out 1,000 tasks with 2 attempts each", () => {
    const big: Timeline = {
      now: 1e6,
      tasks: Array.from({ length: 1000 }, (_, i) => ({ id: String(i), key: `T-${i}`, name: "n", status: "completed", ready: i })),
      agents: [{ id: "x", name: "x" }],
      attempts: Array.from({ length: 2000 }, (_, i) => ({
        task: i >> 1,
        number: (i & 1) + 1,
        agent: 0,
        outcome: "completed",
        queued: i,
        started: i + 10,
        ended: i + 100,
      })),
    };
    const l = layoutTimeline(big, "task");
    expect(l.bars).toHaveLength(2000);
    expect(l.barsByRow.every((r) => r.length === 2)).toBe(true);
  });
});
