// The ready queue (lib/orchestration/ready.ts): the order work goes out in, who may claim
// it, and the goal's start when many agents claim its first tasks at once.
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createGoal } from "@/lib/orchestration/create-goal";
import { registerAgent } from "@/lib/orchestration/agents";
import { pullTasks } from "@/lib/orchestration/assign-tasks";
import { completeTasks } from "@/lib/orchestration/report-result";
import { goalHasOpenTasks } from "@/lib/orchestration/finalize-goal";

describe("the ready queue", () => {
  it("among tasks of equal priority and critical path, earlier plan positions go out first", async () => {
    // Twelve equal tasks: their ids are random, so only the plan position can put them in plan order.
    const keys = Array.from({ length: 12 }, (_, i) => `p${i}`);
    const goal = await createGoal({
      goal: "positions",
      actor: "test",
      plan: { tasks: keys.map((key) => ({ key, name: key, required_skills: ["order"] })) },
    });
    const agent = await registerAgent({ skills: ["order"], capacity: 100 });
    const first = await pullTasks({ agentId: agent.id, max: 5 });
    const rest = await pullTasks({ agentId: agent.id, max: 100 });
    expect([...first, ...rest].map((a) => a.key)).toEqual(keys);
    expect(first.every((a) => a.goalId === goal.goalId)).toBe(true);
  });

  it("priority, then the longer critical path, come before the plan position", async () => {
    await createGoal({
      goal: "order",
      actor: "test",
      plan: {
        tasks: [
          { key: "low", name: "low", priority: 3, required_skills: ["rank"] },
          { key: "short", name: "short", priority: 1, estimated_duration_s: 10, required_skills: ["rank"] },
          { key: "long", name: "long", priority: 1, estimated_duration_s: 500, required_skills: ["rank"] },
          { key: "urgent", name: "urgent", priority: 0, required_skills: ["rank"] },
          { key: "short2", name: "short2", priority: 1, estimated_duration_s: 10, required_skills: ["rank"] },
        ],
      },
    });
    const agent = await registerAgent({ skills: ["rank"], capacity: 10 });
    const pulled = await pullTasks({ agentId: agent.id });
    expect(pulled.map((a) => a.key)).toEqual(["urgent", "long", "short", "short2", "low"]);
  });

  it("hands an agent only tasks whose skills it has", async () => {
    await createGoal({
      goal: "skills",
      actor: "test",
      plan: {
        tasks: [
          { key: "both", name: "both", required_skills: ["sk-a", "sk-b"] },
          { key: "a", name: "a", required_skills: ["sk-a"] },
          { key: "c", name: "c", required_skills: ["sk-c"] },
        ],
      },
    });
    const onlyA = await registerAgent({ skills: ["sk-a"], capacity: 10 });
    expect((await pullTasks({ agentId: onlyA.id })).map((a) => a.key)).toEqual(["a"]);
    const ab = await registerAgent({ skills: ["sk-b", "sk-a"], capacity: 10 });
    expect((await pullTasks({ agentId: ab.id })).map((a) => a.key)).toEqual(["both"]);
  });

  it("many agents claiming a fresh goal's first tasks at once start it exactly once", async () => {
    const goal = await createGoal({
      goal: "start once",
      actor: "test",
      plan: { tasks: Array.from({ length: 40 }, (_, i) => ({ key: `s${i}`, name: `s${i}`, required_skills: ["start"] })) },
    });
    const agents = await Promise.all(Array.from({ length: 8 }, () => registerAgent({ skills: ["start"], capacity: 5 })));
    const pulled = await Promise.all(agents.map((a) => pullTasks({ agentId: a.id })));
    expect(pulled.flat()).toHaveLength(40);
    expect(new Set(pulled.flat().map((a) => a.subtaskId)).size).toBe(40);
    const started = await db().$queryRaw<Array<{ n: number }>>`
      SELECT count(*)::int AS n FROM events WHERE goal_id = ${goal.goalId}::uuid AND type = 'goal.started'`;
    expect(started[0]!.n).toBe(1);
    const rows = await db().$queryRaw<Array<{ status: string }>>`SELECT status FROM goals WHERE id = ${goal.goalId}::uuid`;
    expect(rows[0]!.status).toBe("running");
  });

  it("a goal has open tasks until its last one finishes, whatever order they finish in", async () => {
    const goal = await createGoal({
      goal: "open",
      actor: "test",
      plan: { tasks: Array.from({ length: 6 }, (_, i) => ({ key: `o${i}`, name: `o${i}`, required_skills: ["open"] })) },
    });
    const agent = await registerAgent({ skills: ["open"], capacity: 10 });
    const pulled = await pullTasks({ agentId: agent.id });
    // Finish them highest position first: the check reads from the top, so this is its worst case.
    for (const a of [...pulled].reverse()) {
      expect(await goalHasOpenTasks(db(), goal.goalId!)).toBe(true);
      const [outcome] = await completeTasks([{ subtaskId: a.subtaskId, agentId: agent.id, attempt: a.attempt, result: "ok" }]);
      expect(outcome!.ok).toBe(true);
    }
    expect(await goalHasOpenTasks(db(), goal.goalId!)).toBe(false);
    const rows = await db().$queryRaw<Array<{ status: string }>>`SELECT status FROM goals WHERE id = ${goal.goalId}::uuid`;
    expect(rows[0]!.status).toBe("complete");
  });
});
