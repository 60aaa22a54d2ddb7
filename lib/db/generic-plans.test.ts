// The hot path's transactions plan their statements once per connection (HOT_PATH in
// lib/db.ts): a generic plan is made without the values, so it must not need them. The claim
// must read the ready queue's index in order and stop at its LIMIT — a generic plan that
// sorted every ready row, or scanned the table, would make each pull cost the whole queue.
// And a generic plan keeps the statistics of the moment it was made: the completion planned
// while `attempts` was empty must still find its attempts by key once there are thousands.
import { describe, expect, it } from "vitest";
import pg from "pg";
import { env } from "@/lib/env";
import { createGoal } from "@/lib/orchestration/create-goal";
import { claimReady } from "@/lib/orchestration/ready";
import { registerAgent } from "@/lib/orchestration/agents";
import { pullTasks } from "@/lib/orchestration/assign-tasks";
import { completeTasks, completionTail, standingStatement } from "@/lib/orchestration/report-result";
import { emittedEvents } from "@/lib/events/record";
import { HOT_PATH_SETTINGS, sqlLiteral } from "@/lib/db";

/** The plan a HOT_PATH transaction makes for `sql` on a new connection. */
async function genericPlan(sql: { text: string; values: unknown[] }): Promise<string> {
  const client = new pg.Client({ connectionString: env().DATABASE_URL });
  await client.connect();
  try {
    await client.query(`BEGIN; SELECT ${HOT_PATH_SETTINGS}`); // settings local to the transaction, as in HOT_PATH
    await client.query(`PREPARE claim AS ${sql.text}`);
    const plan = await client.query<{ "QUERY PLAN": string }>(`EXPLAIN EXECUTE claim(${sql.values.map((v) => sqlLiteral(v)).join(", ")})`);
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

  it("the completion's generic plan, made while attempts was small, reaches attempts and tasks by key", async () => {
    // A new database's first pull: a few hundred attempts, never analyzed. Planned now, a
    // sequential scan of attempts looks cheapest, and the plan would keep scanning it whole.
    await createGoal({
      goal: "first pull",
      actor: "test",
      plan: { tasks: Array.from({ length: 300 }, (_, i) => ({ key: `f${i}`, name: `f${i}` })) },
    });
    const agent = await registerAgent({ skills: [], capacity: 300 });
    expect(await pullTasks({ agentId: agent.id, max: 300 })).toHaveLength(300);
    const plan = await genericPlan(
      completionTail(
        [
          {
            subtask_id: "00000000-0000-4000-8000-000000000000",
            number: 1,
            result: "",
            agent_id: agent.id,
            goal_id: "00000000-0000-4000-8000-000000000001",
            duration_ms: 0,
          },
        ],
        new Date(),
        emittedEvents([]),
      ),
    );
    // And the statement that completes the reports standing as sent (the common case).
    const standing = await genericPlan(
      standingStatement([{ subtaskId: "00000000-0000-4000-8000-000000000000", agentId: agent.id, attempt: 1, result: "" }], new Date()),
    );
    // Its tasks by their key, not a walk of every running task (a partial index's scan).
    expect(standing).toMatch(/Index Scan using subtasks_pkey on subtasks|Bitmap Index Scan on subtasks_pkey/);
    expect(standing).not.toMatch(/subtasks_running_by_agent_idx|subtasks_running_deadline_idx/);
    // And no probe by key also walks an id list (= ANY) at every row: 500 probes of a 500-id
    // list cost a batch 12 ms where the probes alone take 1.
    expect(standing).not.toMatch(/Index Cond: \(\(\w+ = \w+\.\w+\) AND \(\w+ = ANY/);
    for (const p of [plan, standing]) {
      expect(p).toMatch(/Index Scan using attempts_subtask_id_number_key|Bitmap Index Scan on attempts_subtask_id_number_key/);
      // Every table the scheduler grows is reached by a key (the webhooks an event goes to are
      // read whole: a handful of rows the operator registered).
      expect(p).toMatch(/Seq Scan on webhooks/);
      expect(p.replace(/Seq Scan on webhooks/g, "")).not.toMatch(/Seq Scan/);
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
