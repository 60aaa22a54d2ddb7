import { describe, expect, it } from "vitest";
import { keyId, keysTouchedBy, patchGoal } from "@/lib/ui/event-effects";
import { queryKeys } from "@/lib/ui/query-keys";
import { A, G, T1, event, goal } from "@/lib/ui/fixtures";

describe("keysTouchedBy", () => {
  it("a task completion touches its goal, the goal list, the task, its agent, the charts and the tensor", () => {
    const ids = keysTouchedBy(
      event({ type: "task.completed", goal_id: G, subtask_id: T1, agent_id: A, data: { status: "completed" } }),
    ).map(keyId);
    for (const key of [
      queryKeys.goal(G),
      queryKeys.goalList(),
      queryKeys.task(T1),
      queryKeys.agentList(),
      queryKeys.metrics(),
      queryKeys.tensors(),
      queryKeys.status(),
    ]) {
      expect(ids).toContain(keyId(key));
    }
  });

  it("an agent heartbeat coming back touches agents but no goal or chart", () => {
    const ids = keysTouchedBy(event({ type: "agent.online", agent_id: A })).map(keyId);
    expect(ids).toContain(keyId(queryKeys.agentList()));
    expect(ids.some((k) => k.includes('"goals"'))).toBe(false);
    expect(ids).not.toContain(keyId(queryKeys.metrics()));
  });

  it("keys are prefixes of the detailed keys they should invalidate", () => {
    const goalsPrefix = queryKeys.goals();
    expect(queryKeys.goal(G).slice(0, goalsPrefix.length)).toEqual([...goalsPrefix]);
    expect(queryKeys.throughput(60).slice(0, queryKeys.metrics().length)).toEqual([...queryKeys.metrics()]);
  });
});

describe("patchGoal", () => {
  it("moves a task to running with its agent and updates counts and progress", () => {
    const before = goal();
    const after = patchGoal(
      before,
      event({ type: "task.assigned", goal_id: G, subtask_id: T1, agent_id: A, data: { status: "running" } }),
      () => "bot-a",
    );
    expect(after.subtasks[0]).toMatchObject({
      status: "running",
      agent_id: A,
      agent_name: "bot-a",
      started_at: "2026-01-01T00:00:00.000Z",
    });
    expect(after.tasks.pending).toBe(0);
    expect(after.tasks.running).toBe(1);
    expect(before.subtasks[0]!.status).toBe("pending"); // the cached object is not mutated

    const done = patchGoal(
      after,
      event({ type: "task.completed", goal_id: G, subtask_id: T1, agent_id: A, data: { status: "completed" } }),
    );
    expect(done.subtasks[0]).toMatchObject({ status: "completed", agent_name: "bot-a" });
    expect(done.progress).toBe(0.5);
  });

  it("leaves the goal untouched for another goal's event, an unknown task, or no status", () => {
    const g = goal();
    expect(
      patchGoal(
        g,
        event({ type: "task.completed", goal_id: "55555555-5555-4555-8555-555555555555", subtask_id: T1, data: { status: "completed" } }),
      ),
    ).toBe(g);
    expect(patchGoal(g, event({ type: "task.completed", goal_id: G, subtask_id: A, data: { status: "completed" } }))).toBe(g);
    expect(patchGoal(g, event({ type: "task.note", goal_id: G, subtask_id: T1 }))).toBe(g);
  });

  it("clears the agent when a task goes back to the pool, and sets a goal's new status", () => {
    let g = patchGoal(goal(), event({ type: "task.assigned", goal_id: G, subtask_id: T1, agent_id: A, data: { status: "running" } }));
    g = patchGoal(g, event({ type: "task.failed", goal_id: G, subtask_id: T1, agent_id: A, data: { status: "retrying" } }));
    expect(g.subtasks[0]).toMatchObject({ status: "retrying", agent_id: null, agent_name: null });
    expect(patchGoal(g, event({ type: "goal.finished", goal_id: G, data: { status: "partial" } })).status).toBe("partial");
  });
});
