// The hot path's transactions plan their statements once per connection (useGenericPlans in
// lib/db.ts): a generic plan is made without the values, so it must not need them. The claim
// must read the ready queue's index in order and stop at its LIMIT — a generic plan that
// sorted every ready row, or scanned the table, would make each pull cost the whole queue.
import { describe, expect, it } from "vitest";
import pg from "pg";
import { env } from "@/lib/env";
import { createGoal } from "@/lib/orchestration/create-goal";
import { claimReady } from "@/lib/orchestration/ready";
import { registerAgent } from "@/lib/orchestration/agents";
import { pullTasks } from "@/lib/orchestration/assign-tasks";
import { completeTasks } from "@/lib/orchestration/report-result";

/** A parameter as SQL literal text (EXPLAIN EXECUTE takes its arguments in the statement). */
function literal(value: unknown): string {
  if (value instanceof Date) return `'${value.toISOString()}'::timestamptz`;
  if (Array.isArray(value)) return `ARRAY[${value.map((v) => `'${String(v).replace(/'/g, "''")}'`).join(", ")}]::text[]`;
  return String(value);
}

async function genericPlan(sql: { text: string; values: unknown[] }): Promise<string> {
  const client = new pg.Client({ connectionString: env().DATABASE_URL });
  await client.connect();
  try {
    await client.query("SET plan_cache_mode = force_generic_plan");
    await client.query(`PREPARE claim AS ${sql.text}`);
    const plan = await client.query<{ "QUERY PLAN": string }>(`EXPLAIN EXECUTE claim(${sql.values.map(literal).join(", ")})`);
    return plan.rows.map((r) => r["QUERY PLAN"]).join("\n");
  } finally {
    await client.end();
  }
}

describe("generic plans on the hot path", () => {
  it("the claim's generic plan reads the ready queue's index in order, with or without a skill filter", async () => {
    await createGoal({
      goal: "a big queue",
      actor: "test",
      plan: { tasks: Array.from({ length: 2000 }, (_, i) => ({ key: `t${i}`, name: `t${i}`, required_skills: i % 2 ? ["a"] : ["b"] })) },
    });
    for (const skills of [null, ["a"]]) {
      const plan = await genericPlan(claimReady(skills, 500, new Date()));
      expect(plan).toContain("Index Scan using subtasks_ready_queue_idx");
      expect(plan).not.toMatch(/Sort|Seq Scan/);
    }
  });

  it("pulls and completions under generic plans behave as before: in order, fenced, every task once", async () => {
    const goal = await createGoal({
      goal: "generic",
      actor: "test",
      plan: { tasks: Array.from({ length: 30 }, (_, i) => ({ key: `g${i}`, name: `g${i}`, required_skills: ["generic"] })) },
    });
    const agent = await registerAgent({ skills: ["generic"], capacity: 100 });
    const seen: string[] = [];
    // More than five rounds: PostgreSQL would switch a named statement to a generic plan after five runs anyway.
    for (let round = 0; round < 10; round++) {
      const batch = await pullTasks({ agentId: agent.id, max: 3 });
      seen.push(...batch.map((a) => a.key));
      const outcomes = await completeTasks(
        batch.map((a) => ({ subtaskId: a.subtaskId, agentId: agent.id, attempt: a.attempt, result: a.key })),
      );
      expect(outcomes.every((o) => o.ok && !o.repeated)).toBe(true);
      expect(batch.every((a) => a.goalId === goal.goalId)).toBe(true);
    }
    expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => `g${i}`));
    const stale = await completeTasks([{ subtaskId: goal.subtasks[0]!.id, agentId: agent.id, attempt: 1, result: "again" }]);
    expect(stale[0]!.ok && stale[0]!.repeated).toBe(true);
  });
});
