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
      body: { goal: "budgeted", budget: { max_cost_usd: 1 }, plan: { tasks: Array.from({ length: 200 }, (_, i) => ({ key: `T-${i}`, name: `t${i}`, required_skills: ["general"] })) } },
    });
    expect(created.status).toBe(201);
    const goalId = created.body.goal_id as string;
    const agents: Agent[] = await Promise.all(
      Array.from({ length: 32 }, async () => (await call(routes.register.POST, "POST", "/api/orchestration/register", { body: { skills: ["general"] } })).body),
    );
    const statuses: number[] = [];
    await Promise.all(
      agents.map(async (agent) => {
        for (let round = 0; round < 6; round++) {
          const pulled = await call(routes.assign.POST, "POST", "/api/orchestration/assign", { token: agent.token, body: { agent_id: agent.agent_id } });
          statuses.push(pulled.status);
          const a = pulled.body.assignments?.[0];
          if (!a) continue;
          const r = await call(routes.progress.POST, "POST", "/api/orchestration/progress", { token: agent.token, body: { subtask_uuid: a.subtask_uuid, attempt: a.attempt, usage: { cost_usd: 0.05 } } });
          statuses.push(r.status);
          const done = await call(routes.complete.POST, "POST", "/api/orchestration/complete", { token: agent.token, body: { subtask_uuid: a.subtask_uuid, attempt: a.attempt, result: "ok", usage: { cost_usd: 0.05, input_tokens: 10 } } });
          statuses.push(done.status);
        }
      }),
    );
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    const goal = await db().$queryRaw<Array<{ status: string; pause_reason: string | null; cost_usd: number }>>`SELECT status, pause_reason, cost_usd FROM goals WHERE id = ${goalId}::uuid`;
    expect(goal[0]).toMatchObject({ status: "paused", pause_reason: "budget_exceeded" });
    expect(goal[0]!.cost_usd).toBeGreaterThan(1);
    // Nothing of the goal was assigned after the pause took hold.
    const paused = await db().$queryRaw<Array<{ seq: bigint }>>`SELECT seq FROM events WHERE goal_id = ${goalId}::uuid AND type = 'goal.paused'`;
    expect(paused).toHaveLength(1);
    const later = await db().$queryRaw<Array<{ n: number }>>`SELECT count(*)::int AS n FROM events WHERE goal_id = ${goalId}::uuid AND type = 'task.assigned' AND seq > ${paused[0]!.seq}`;
    expect(later[0]!.n).toBe(0);
    const attemptsBefore = await db().attempt.count();
    // And 32 more pulls at once take nothing.
    const again = await Promise.all(agents.map((agent) => call(routes.assign.POST, "POST", "/api/orchestration/assign", { token: agent.token, body: { agent_id: agent.agent_id } })));
    expect(again.flatMap((r) => r.body.assignments)).toEqual([]);
    expect(await db().attempt.count()).toBe(attemptsBefore);
    // Only the attempts running when it paused may still have finished: far fewer than 200 tasks ran.
    expect(attemptsBefore).toBeLessThan(200);
  });
});
