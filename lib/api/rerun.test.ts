// Re-run from a task (issue 10, part 3), against real PostgreSQL.
import { beforeEach, describe, expect, it } from "vitest";
import * as routes from "@/lib/api/routes";
import { call } from "@/lib/testing/http";
import { truncateAll } from "@/lib/testing/database";
import { assign as pull, createPlanGoal } from "@/lib/testing/agent-calls";

beforeEach(truncateAll);

type Agent = { agent_id: string; token: string };
async function registerAgent(capacity = 8): Promise<Agent> {
  return (await call(routes.register.POST, "POST", "/api/orchestration/register", { body: { skills: [], capacity } })).body;
}
const createGoal = (tasks: Array<Record<string, unknown>>) => createPlanGoal("rerun", tasks);
const complete = (agent: Agent, id: string, result: string, attempt?: number) =>
  call(routes.complete.POST, "POST", "/api/orchestration/complete", { token: agent.token, body: { subtask_uuid: id, result, attempt } });
const rerun = (id: string, body: unknown = {}) => call(routes.taskRerun.POST, "POST", `/api/tasks/${id}/rerun`, { params: { id }, body });
const getGoal = async (id: string) => (await call(routes.goal.GET, "GET", `/api/goals/${id}`, { params: { id } })).body;
const getTask = async (id: string) => (await call(routes.task.GET, "GET", `/api/tasks/${id}`, { params: { id } })).body;

/** Runs every ready task to completion, round after round, until nothing is left. */
async function runAll(agent: Agent, tag: string): Promise<string[]> {
  const order: string[] = [];
  for (;;) {
    const got = await pull(agent);
    if (got.length === 0) return order;
    for (const a of got) {
      order.push(a.key);
      expect((await complete(agent, a.subtask_uuid, `${a.key} ${tag}`)).status).toBe(200);
    }
  }
}

// A → B → C, B → D, A → E; F on its own.
const DAG = [
  { key: "A", name: "a" },
  { key: "B", name: "b", depends_on: ["A"] },
  { key: "C", name: "c", depends_on: ["B"] },
  { key: "D", name: "d", depends_on: ["B", "E"] },
  { key: "E", name: "e", depends_on: ["A"] },
  { key: "F", name: "f" },
];

describe("POST /api/tasks/:id/rerun", () => {
  it("re-running a middle task resets exactly its downstream cone, keeps the history, reopens the goal and runs it again", async () => {
    const agent = await registerAgent();
    const { goalId, ids } = await createGoal(DAG);
    await runAll(agent, "v1");
    expect((await getGoal(goalId)).status).toBe("complete");

    const res = await rerun(ids.B!, { description: "b, but better" });
    expect(res.status).toBe(200);
    expect(res.body.reset.sort()).toEqual([ids.B, ids.C, ids.D].sort());
    expect(res.body.subtask).toMatchObject({ status: "pending", description: "b, but better", failures: 0, result: null });
    const goal = await getGoal(goalId);
    expect(goal.status).toBe("running");
    expect(goal.result).toBeNull();
    const byKey = Object.fromEntries(goal.subtasks.map((s: { key: string; status: string }) => [s.key, s.status]));
    expect(byKey).toEqual({ A: "completed", B: "pending", C: "waiting", D: "waiting", E: "completed", F: "completed" });

    const order = await runAll(agent, "v2");
    expect(order[0]).toBe("B");
    expect(order.slice(1).sort()).toEqual(["C", "D"]);
    const after = await getGoal(goalId);
    expect(after.status).toBe("complete");
    expect(after.subtasks.find((s: { key: string }) => s.key === "D").result).toBe("D v2");
    expect(after.subtasks.find((s: { key: string }) => s.key === "E").result).toBe("E v1");
    // History stays: two completed attempts of B, the first with the first result.
    const b = await getTask(ids.B!);
    expect(b.attempts.map((t: { number: number; outcome: string; result: string }) => [t.number, t.outcome, t.result])).toEqual([
      [1, "completed", "B v1"],
      [2, "completed", "B v2"],
    ]);
    const events = (await call(routes.events.GET, "GET", "/api/events", { query: { goal_id: goalId, limit: "5000" } })).body
      .events as Array<{ type: string; subtask_id: string; actor: string; data: Record<string, unknown> }>;
    const reruns = events.filter((e) => e.type === "task.rerun");
    expect(reruns.map((e) => e.subtask_id).sort()).toEqual([ids.B, ids.C, ids.D].sort());
    expect(reruns.every((e) => e.actor === "operator" && e.data.from === ids.B)).toBe(true);
    expect(events.some((e) => e.type === "goal.reopened")).toBe(true);
  });

  it("a running task in the cone is superseded (its late report is refused) and a failed task gets a fresh budget", async () => {
    const agent = await registerAgent();
    const { ids } = await createGoal([
      { key: "A", name: "a" },
      { key: "B", name: "b", depends_on: ["A"], max_attempts: 1 },
    ]);
    const [a] = await pull(agent);
    await complete(agent, a!.subtask_uuid, "a1");
    const [b] = await pull(agent);
    expect(b!.key).toBe("B");
    const res = await rerun(ids.A!);
    expect(res.status).toBe(200);
    expect((await getTask(ids.B!)).attempts.map((t: { outcome: string }) => t.outcome)).toEqual(["superseded"]);
    expect((await complete(agent, ids.B!, "late", b!.attempt)).status).toBe(409);
    await runAll(agent, "v2");
    // B fails for good (max_attempts 1), then re-running it gives it a fresh budget.
    const failing = await createGoal([{ key: "X", name: "x", max_attempts: 1 }]);
    const [x] = await pull(agent);
    await call(routes.fail.POST, "POST", "/api/orchestration/fail", {
      token: agent.token,
      body: { subtask_uuid: x!.subtask_uuid, error: "nope" },
    });
    expect((await getTask(failing.ids.X!)).status).toBe("failed");
    const again = await rerun(failing.ids.X!);
    expect(again.body.subtask).toMatchObject({ status: "pending", failures: 0, error: null });
  });

  it("answers 409 for a task that is not finished or whose dependency is dead, 400 for a bad description; nothing changes", async () => {
    const agent = await registerAgent();
    const { ids } = await createGoal([
      { key: "A", name: "a", max_attempts: 1 },
      { key: "B", name: "b", depends_on: ["A"] },
    ]);
    const pending = await rerun(ids.A!);
    expect(pending.status).toBe(409);
    expect(pending.body.error.message).toMatch(/A is pending/);
    const [a] = await pull(agent);
    await call(routes.fail.POST, "POST", "/api/orchestration/fail", {
      token: agent.token,
      body: { subtask_uuid: a!.subtask_uuid, error: "boom" },
    });
    expect((await getTask(ids.B!)).status).toBe("skipped");
    const dead = await rerun(ids.B!);
    expect(dead.status).toBe(409);
    expect(dead.body.error.message).toMatch(/dependency/);
    const bad = await rerun(ids.A!, { description: "bell\u0007" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe("description");
    expect((await getTask(ids.A!)).status).toBe("failed");
  });
});
