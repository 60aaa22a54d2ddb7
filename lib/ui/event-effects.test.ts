import { describe, expect, it } from "vitest";
import { keyId, keysTouchedBy, patchGoal } from "@/lib/ui/event-effects";
import { queryKeys } from "@/lib/ui/query-keys";
import type { GoalWithTasks, LiveEvent, Task } from "@/lib/ui/types";

const G = "11111111-1111-4111-8111-111111111111";
const T1 = "22222222-2222-4222-8222-222222222222";
const T2 = "33333333-3333-4333-8333-333333333333";
const A = "44444444-4444-4444-8444-444444444444";

function event(partial: Partial<Omit<LiveEvent, "type" | "data">> & { type: string; data?: Record<string, unknown> }): LiveEvent {
  return {
    seq: 1,
    goal_id: null,
    subtask_id: null,
    agent_id: null,
    actor: "system",
    data: {},
    created_at: "2026-01-01T00:00:00.000Z",
    ...partial,
  } as LiveEvent;
}

function task(uuid: string, status: Task["status"]): Task {
  return {
    uuid,
    goal_id: G,
    key: uuid === T1 ? "T-01" : "T-02",
    name: "n",
    description: "",
    required_skills: [],
    priority: "MEDIUM",
    priority_level: 2,
    estimated_duration_s: 60,
    critical_path_s: 60,
    status,
    attempt: 0,
    failures: 0,
    max_attempts: 3,
    timeout_s: 600,
    agent_id: null,
    agent_name: null,
    result: null,
    error: null,
    dependencies: [],
    created_at: "",
    ready_at: null,
    started_at: null,
    finished_at: null,
    deadline_at: null,
    next_attempt_at: null,
    kind: "task",
    spawned_by: null,
    held: false,
    approval: false,
    output_schema: null,
    progress: null,
    message: null,
    unroutable: false,
  };
}

function goal(): GoalWithTasks {
  const counts = {
    waiting: 1,
    pending: 1,
    running: 0,
    completed: 0,
    failed: 0,
    retrying: 0,
    cancelled: 0,
    skipped: 0,
    awaiting_approval: 0,
    total: 2,
  };
  return {
    id: G,
    goal: "g",
    context: null,
    status: "running",
    pause_reason: null,
    template: "explicit",
    aggregation: "concat",
    created_at: "",
    started_at: null,
    finished_at: null,
    elapsed_ms: 0,
    tasks: counts,
    progress: 0,
    result: null,
    usage: { input_tokens: 0, output_tokens: 0, cost_usd: 0 },
    budget: null,
    unroutable: [],
    subtasks: [task(T1, "pending"), task(T2, "waiting")],
    edges: [{ from: T1, to: T2 }],
  };
}

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
