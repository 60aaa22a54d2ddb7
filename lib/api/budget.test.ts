// Issue 9: a goal's budget pauses it once its recorded usage passes it, also with 32
// agents pulling and reporting at once: after the pause, nothing more of it is assigned.
import { beforeEach, describe, expect, it } from "vitest";
import * as routes from "@/lib/api/routes";
import { call } from "@/lib/testing/http";
import { db } from "@/lib/db";
import { truncateAll } from "@/lib/testing/database";
import { resetAgentBuckets } from "@/lib/auth/rate-limit";

beforeEach(async () => {
  await truncateAll();
  resetAgentBuckets();
});

type Agent = { agent_id: string; token: string };

describe("budgets", () => {
  it("pauses the goal (budget_exceeded) once usage passes max_cost_usd; with 32 agents pulling at once nothing more of it is assigned", async () => {
    const created = await call(routes.decompose.POST, "POST", "/api/orchestration/decompose", {
      body: {
        goal: "budgeted",
        budget: { max_cost_usd: 1 },
        plan: { tasks: Array.from({ length: 200 }, (_, i) => ({ key: `T-${i}`, name: `t${i}`, required_skills: ["general"] })) },
      },
    });
    expect(created.status).toBe(201);
    const goalId = created.body.goal_id as string;
    const agents: Agent[] = await Promise.all(
      Array.from(
        { length: 32 },
        async () => (await call(routes.register.POST, "POST", "/api/orchestration/register", { body: { skills: ["general"] } })).body,
      ),
    );
    const statuses: number[] = [];
    await Promise.all(
      agents.map(async (agent) => {
        for (let round = 0; round < 6; round++) {
          const pulled = await call(routes.assign.POST, "POST", "/api/orchestration/assign", {
            token: agent.token,
            body: { agent_id: agent.agent_id },
          });
          statuses.push(pulled.status);
          const a = pulled.body.assignments?.[0];
          if (!a) continue;
          const r = await call(routes.progress.POST, "POST", "/api/orchestration/progress", {
            token: agent.token,
            body: { subtask_uuid: a.subtask_uuid, attempt: a.attempt, usage: { cost_usd: 0.05 } },
          });
          statuses.push(r.status);
          const done = await call(routes.complete.POST, "POST", "/api/orchestration/complete", {
            token: agent.token,
            body: { subtask_uuid: a.subtask_uuid, attempt: a.attempt, result: "ok", usage: { cost_usd: 0.05, input_tokens: 10 } },
          });
          statuses.push(done.status);
        }
      }),
    );
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    const goal = await db().$queryRaw<
      Array<{ status: string; pause_reason: string | null; cost_usd: number }>
    >`SELECT status, pause_reason, cost_usd FROM goals WHERE id = ${goalId}::uuid`;
    expect(goal[0]).toMatchObject({ status: "paused", pause_reason: "budget_exceeded" });
    expect(goal[0]!.cost_usd).toBeGreaterThan(1);
    // Nothing of the goal was assigned after the pause took hold.
    const paused = await db().$queryRaw<
      Array<{ seq: bigint }>
    >`SELECT seq FROM events WHERE goal_id = ${goalId}::uuid AND type = 'goal.paused'`;
    expect(paused).toHaveLength(1);
    const later = await db().$queryRaw<
      Array<{ n: number }>
    >`SELECT count(*)::int AS n FROM events WHERE goal_id = ${goalId}::uuid AND type = 'task.assigned' AND seq > ${paused[0]!.seq}`;
    expect(later[0]!.n).toBe(0);
    const attemptsBefore = await db().attempt.count();
    // And 32 more pulls at once take nothing.
    const again = await Promise.all(
      agents.map((agent) =>
        call(routes.assign.POST, "POST", "/api/orchestration/assign", { token: agent.token, body: { agent_id: agent.agent_id } }),
      ),
    );
    expect(again.flatMap((r) => r.body.assignments)).toEqual([]);
    expect(await db().attempt.count()).toBe(attemptsBefore);
    // Only the attempts running when it paused may still have finished: far fewer than 200 tasks ran.
    expect(attemptsBefore).toBeLessThan(200);
  });

  it("PATCH /api/goals/:id {budget} raises the budget and resumes a goal paused for it; lowering it below the usage pauses it again", async () => {
    const created = await call(routes.decompose.POST, "POST", "/api/orchestration/decompose", {
      body: {
        goal: "raise me",
        budget: { max_tokens: 100 },
        plan: {
          tasks: [
            { key: "a", name: "a" },
            { key: "b", name: "b" },
            { key: "c", name: "c" },
          ],
        },
      },
    });
    const goalId = created.body.goal_id as string;
    const agent: Agent = (await call(routes.register.POST, "POST", "/api/orchestration/register", { body: { skills: [], capacity: 1 } }))
      .body;
    const pull = () =>
      call(routes.assign.POST, "POST", "/api/orchestration/assign", { token: agent.token, body: { agent_id: agent.agent_id } });
    const first = (await pull()).body.assignments[0];
    const done = await call(routes.complete.POST, "POST", "/api/orchestration/complete", {
      token: agent.token,
      body: { subtask_uuid: first.subtask_uuid, result: "ok", usage: { input_tokens: 150 } },
    });
    expect(done.status).toBe(200);
    const goalPath = `/api/goals/${goalId}`;
    const read = async () => (await call(routes.goal.GET, "GET", goalPath, { params: { id: goalId } })).body;
    expect(await read()).toMatchObject({ status: "paused", pause_reason: "budget_exceeded" });
    expect((await pull()).body.assignments).toEqual([]);

    // Bad input changes nothing.
    const bad = await call(routes.goal.PATCH, "PATCH", goalPath, { params: { id: goalId }, body: { budget: { max_tokens: -1 } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe("budget.max_tokens");
    expect(await read()).toMatchObject({ status: "paused", budget: { max_tokens: 100 } });

    // Still below the usage: it stays paused.
    const tooLow = await call(routes.goal.PATCH, "PATCH", goalPath, { params: { id: goalId }, body: { budget: { max_tokens: 120 } } });
    expect(tooLow.status).toBe(200);
    expect(tooLow.body).toMatchObject({ status: "paused", pause_reason: "budget_exceeded", budget: { max_tokens: 120 } });

    // Raised above it: resumed, and its work goes out again.
    const raised = await call(routes.goal.PATCH, "PATCH", goalPath, { params: { id: goalId }, body: { budget: { max_tokens: 1000 } } });
    expect(raised.status).toBe(200);
    expect(raised.body).toMatchObject({ status: "running", pause_reason: null, budget: { max_tokens: 1000 } });
    expect((await pull()).body.assignments).toHaveLength(1);

    // Lowered below what it used: paused again, and the event log says who changed what.
    const lowered = await call(routes.goal.PATCH, "PATCH", goalPath, { params: { id: goalId }, body: { budget: { max_tokens: 10 } } });
    expect(lowered.body).toMatchObject({ status: "paused", pause_reason: "budget_exceeded" });
    const events = await db().$queryRaw<Array<{ type: string; actor: string }>>`
      SELECT type, actor FROM events WHERE goal_id = ${goalId}::uuid AND type IN ('goal.budget_changed', 'goal.resumed', 'goal.paused') ORDER BY seq`;
    expect(events.map((e) => e.type)).toEqual([
      "goal.paused",
      "goal.budget_changed",
      "goal.budget_changed",
      "goal.resumed",
      "goal.budget_changed",
      "goal.paused",
    ]);
    expect(events.filter((e) => e.type === "goal.budget_changed").every((e) => e.actor === "operator")).toBe(true);

    const missing = await call(routes.goal.PATCH, "PATCH", "/api/goals/00000000-0000-4000-8000-000000000000", {
      params: { id: "00000000-0000-4000-8000-000000000000" },
      body: { budget: { max_tokens: 1 } },
    });
    expect(missing.status).toBe(404);
  });
});
