// POST /api/orchestration/assign never hands one task to two agents: 32 agents pull at
// once, again and again, from 500 ready tasks, over a pool wide enough for all of them.
process.env.DB_POOL_SIZE = "40";
import { describe, expect, it } from "vitest";
import { resetEnv } from "@/lib/env";
import * as routes from "@/lib/api/routes";
import { call } from "@/lib/testing/http";
import { db } from "@/lib/db";

resetEnv();

describe("concurrent assignment", () => {
  it("assigns each of 500 ready tasks exactly once to 32 agents pulling at the same time", async () => {
    const tasks = Array.from({ length: 500 }, (_, i) => ({ key: `t${i}`, name: `task ${i}`, priority: i % 4 }));
    const created = await call(routes.decompose.POST, "POST", "/api/orchestration/decompose", { body: { goal: "many", plan: { tasks } } });
    expect(created.status).toBe(201);
    const agents = await Promise.all(
      Array.from(
        { length: 32 },
        async (_, i) =>
          (await call(routes.register.POST, "POST", "/api/orchestration/register", { body: { skills: [], capacity: 100, name: `a${i}` } }))
            .body,
      ),
    );
    const received = new Map<string, string[]>();
    let rounds = 0;
    // Every agent pulls small batches concurrently until nothing is left.
    await Promise.all(
      agents.map(async (agent: { agent_id: string; token: string }) => {
        for (;;) {
          const res = await call(routes.assign.POST, "POST", "/api/orchestration/assign", {
            token: agent.token,
            body: { agent_id: agent.agent_id, max: 3 },
          });
          expect(res.status).toBe(200);
          rounds++;
          if (res.body.assignments.length === 0) return;
          for (const a of res.body.assignments) received.set(a.subtask_uuid, [...(received.get(a.subtask_uuid) ?? []), agent.agent_id]);
        }
      }),
    );
    expect(rounds).toBeGreaterThan(32 * 3);
    expect(received.size).toBe(500);
    const doubles = [...received.values()].filter((holders) => holders.length > 1);
    expect(doubles).toEqual([]);
    // The database agrees: one attempt per task, every task running, counters match.
    const attempts = await db().$queryRaw<
      Array<{ n: number }>
    >`SELECT count(*)::int AS n FROM attempts GROUP BY subtask_id HAVING count(*) > 1`;
    expect(attempts).toEqual([]);
    expect(await db().subtask.count({ where: { status: "running" } })).toBe(500);
    const running = await db().agent.aggregate({ _sum: { running: true } });
    expect(running._sum.running).toBe(500);
    // Work was spread: more than one agent got some.
    expect(new Set([...received.values()].flat()).size).toBeGreaterThan(1);
  });
});
