// Pause and resume a goal; drain and undrain an agent (issue 10, part 4).
process.env.DB_POOL_SIZE = "40";
import { beforeEach, describe, expect, it } from "vitest";
import { resetEnv } from "@/lib/env";
import * as routes from "@/lib/api/routes";
import { call } from "@/lib/testing/http";
import { db } from "@/lib/db";
import { truncateAll } from "@/lib/testing/database";
import {
  assign as pull,
  createPlanGoal as createGoal,
  registerAgent as registerTestAgent,
  type TestAgent as Agent,
} from "@/lib/testing/agent-calls";

resetEnv();
beforeEach(truncateAll);

// This file's agents take one task at a time unless a test says otherwise.
const registerAgent = (skills: string[], capacity = 1, name?: string) => registerTestAgent(skills, capacity, name);

const pause = (id: string, body?: unknown) => call(routes.goalPause.POST, "POST", `/api/goals/${id}/pause`, { params: { id }, body });
const resume = (id: string) => call(routes.goalResume.POST, "POST", `/api/goals/${id}/resume`, { params: { id } });
const drain = (id: string) => call(routes.agentDrain.POST, "POST", `/api/agents/${id}/drain`, { params: { id } });
const undrain = (id: string) => call(routes.agentUndrain.POST, "POST", `/api/agents/${id}/undrain`, { params: { id } });
const getGoal = async (id: string) => (await call(routes.goal.GET, "GET", `/api/goals/${id}`, { params: { id } })).body;

async function attemptsOf(goalId: string): Promise<number> {
  const rows = await db().$queryRaw<Array<{ n: number }>>`
    SELECT count(*)::int AS n FROM attempts a JOIN subtasks s ON s.id = a.subtask_id WHERE s.goal_id = ${goalId}::uuid`;
  return rows[0]!.n;
}

/** 32 agents pull small batches at the same time until none of them gets anything. */
async function pullUntilDry(agents: Agent[], during?: () => Promise<void>): Promise<Map<string, number>> {
  const perGoal = new Map<string, number>();
  const pulling = Promise.all(
    agents.map(async (agent) => {
      for (;;) {
        const got = await pull(agent, 2);
        if (got.length === 0) return;
        for (const a of got) perGoal.set(a.goal_id, (perGoal.get(a.goal_id) ?? 0) + 1);
      }
    }),
  );
  await Promise.all([pulling, during?.()]);
  return perGoal;
}

const many = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => ({ key: `${prefix}${i}`, name: `${prefix} ${i}` }));

describe("POST /api/goals/:id/pause and /resume", () => {
  it("a paused goal gets nothing while 32 agents pull at once; the other goal is drained; resume releases it", async () => {
    const paused = await createGoal("paused one", many(150, "p"));
    const other = await createGoal("other one", many(150, "o"));
    const agents = await Promise.all(Array.from({ length: 32 }, (_, i) => registerAgent([], 100, `a${i}`)));

    const res = await pause(paused.goalId);
    expect(res.status).toBe(200);
    expect(res.body.goal).toMatchObject({ status: "paused", pause_reason: "operator" });
    expect(res.body.tasks_held).toBe(150);

    const got = await pullUntilDry(agents);
    expect(got.get(other.goalId)).toBe(150);
    expect(got.get(paused.goalId)).toBeUndefined();
    expect(await attemptsOf(paused.goalId)).toBe(0);
    const held = await getGoal(paused.goalId);
    expect(held.status).toBe("paused");
    expect(held.subtasks.every((s: { held: boolean; status: string }) => s.held && s.status === "pending")).toBe(true);

    const resumed = await resume(paused.goalId);
    expect(resumed.status).toBe(200);
    expect(resumed.body.goal).toMatchObject({ status: "pending", pause_reason: null });
    expect(resumed.body.tasks_released).toBe(150);
    const after = await pullUntilDry(agents);
    expect(after.get(paused.goalId)).toBe(150);
    expect((await getGoal(paused.goalId)).status).toBe("running");
  });

  it("a pause racing 32 pulling agents: nothing starts in the goal after the pause committed", async () => {
    const target = await createGoal("racing", many(200, "r"));
    await createGoal("background", many(200, "b"));
    const agents = await Promise.all(Array.from({ length: 32 }, (_, i) => registerAgent([], 100, `a${i}`)));
    let pausedRunning = -1;
    await pullUntilDry(agents, async () => {
      // Let the pulls get going, then pause in the middle of them.
      await new Promise<void>((resolve) => setImmediate(resolve));
      const res = await pause(target.goalId);
      expect(res.status).toBe(200);
      pausedRunning = res.body.tasks_running;
    });
    // Exactly the attempts that were running when the pause took its locks exist: no claim got past it.
    expect(pausedRunning).toBeGreaterThanOrEqual(0);
    expect(await attemptsOf(target.goalId)).toBe(pausedRunning);
    const rows = await db().$queryRaw<Array<{ status: string; held: boolean; n: number }>>`
      SELECT status, held, count(*)::int AS n FROM subtasks WHERE goal_id = ${target.goalId}::uuid GROUP BY status, held ORDER BY status`;
    for (const r of rows) expect(r.held).toBe(true);
    expect(rows.find((r) => r.status === "running")?.n ?? 0).toBe(pausedRunning);
    expect(rows.find((r) => r.status === "pending")?.n ?? 0).toBe(200 - pausedRunning);
  });

  it("running attempts finish and report while paused; dependents released then stay held; resume closes a goal left with nothing open", async () => {
    const agent = await registerAgent(["x"], 2);
    const { goalId, ids } = await createGoal("chain", [
      { key: "A", name: "a", required_skills: ["x"] },
      { key: "B", name: "b", required_skills: ["x"], depends_on: ["A"] },
    ]);
    const [a] = await pull(agent);
    expect(a!.key).toBe("A");
    expect((await pause(goalId)).status).toBe(200);
    const done = await call(routes.complete.POST, "POST", "/api/orchestration/complete", {
      token: agent.token,
      body: { subtask_uuid: ids.A, result: "a done" },
    });
    expect(done.status).toBe(200);
    const goal = await getGoal(goalId);
    expect(goal.status).toBe("paused");
    expect(goal.subtasks.find((s: { key: string }) => s.key === "B")).toMatchObject({ status: "pending", held: true });
    expect(await pull(agent)).toEqual([]);
    expect((await resume(goalId)).body.goal.status).toBe("running");
    const [b] = await pull(agent);
    expect(b!.key).toBe("B");
  });

  it("answers 409 for pausing a paused or finished goal and resuming one that is not paused, 404 for an unknown goal; events carry the actor", async () => {
    const { goalId } = await createGoal("one", many(1, "t"));
    expect((await resume(goalId)).status).toBe(409);
    expect((await pause(goalId)).status).toBe(200);
    const again = await pause(goalId);
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/paused/);
    expect((await resume(goalId)).status).toBe(200);
    expect((await call(routes.goalCancel.POST, "POST", `/api/goals/${goalId}/cancel`, { params: { id: goalId } })).status).toBe(200);
    expect((await pause(goalId)).status).toBe(409);
    expect((await pause("00000000-0000-4000-8000-000000000000")).status).toBe(404);
    const bad = await pause(goalId, { reason: "budget_exceeded" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe("reason");
    const events = (await call(routes.events.GET, "GET", "/api/events", { query: { goal_id: goalId } })).body.events as Array<{
      type: string;
      actor: string;
    }>;
    expect(events.filter((e) => e.type === "goal.paused" || e.type === "goal.resumed").map((e) => [e.type, e.actor])).toEqual([
      ["goal.paused", "operator"],
      ["goal.resumed", "operator"],
    ]);
  });

  it("cancelling a paused goal ends the hold, so a retried task can run", async () => {
    const agent = await registerAgent([], 1);
    const { goalId, ids } = await createGoal("cancel paused", many(1, "t"));
    await pause(goalId);
    expect((await call(routes.goalCancel.POST, "POST", `/api/goals/${goalId}/cancel`, { params: { id: goalId } })).body.goal.status).toBe(
      "cancelled",
    );
    const retried = await call(routes.taskRetry.POST, "POST", `/api/tasks/${ids.t0}/retry`, { params: { id: ids.t0! } });
    expect(retried.status).toBe(200);
    expect(retried.body.subtask.held).toBe(false);
    expect((await pull(agent)).map((a) => a.key)).toEqual(["t0"]);
  });
});

describe("POST /api/agents/:id/drain and /undrain", () => {
  it("a drained agent pulls nothing, the operator's assignment and reassign skip it; undrain restores it", async () => {
    const drained = await registerAgent([], 4, "drained");
    const other = await registerAgent([], 1, "other");
    const { ids } = await createGoal("drain", many(3, "d"));
    const res = await drain(drained.agent_id);
    expect(res.status).toBe(200);
    expect(res.body.agent).toMatchObject({ id: drained.agent_id, drained: true });
    expect(await pull(drained)).toEqual([]);
    const assigned = await call(routes.assign.POST, "POST", "/api/orchestration/assign", { body: {} });
    expect(assigned.status).toBe(200);
    expect(assigned.body.assignments.map((a: { agent_id: string }) => a.agent_id)).toEqual([other.agent_id]);
    const reassign = await call(routes.taskReassign.POST, "POST", `/api/tasks/${ids.d1}/reassign`, {
      params: { id: ids.d1! },
      body: { agent_id: drained.agent_id },
    });
    expect(reassign.status).toBe(409);
    expect(reassign.body.error.message).toMatch(/drained/);
    expect((await drain(drained.agent_id)).status).toBe(409);

    const back = await undrain(drained.agent_id);
    expect(back.status).toBe(200);
    expect(back.body.agent.drained).toBe(false);
    expect((await pull(drained)).length).toBe(2);
    expect((await undrain(drained.agent_id)).status).toBe(409);
    expect((await drain("00000000-0000-4000-8000-000000000000")).status).toBe(404);
  });

  it("an agent drained while running keeps its attempt: it completes and reports", async () => {
    const agent = await registerAgent([], 2);
    const { ids } = await createGoal("drain running", many(2, "r"));
    const got = await pull(agent, 1);
    expect(got).toHaveLength(1);
    await drain(agent.agent_id);
    const done = await call(routes.complete.POST, "POST", "/api/orchestration/complete", {
      token: agent.token,
      body: { subtask_uuid: got[0]!.subtask_uuid, result: "ok" },
    });
    expect(done.status).toBe(200);
    expect(await pull(agent)).toEqual([]);
    expect(ids).toBeDefined();
  });
});
