// attempt_ends, the attempts ended per minute, agent and outcome that the throughput charts
// read, is kept by statement triggers on attempts (migration 20261206110000_attempt_ends):
// it follows what the engine ends, what a statement rewrites or deletes, and is what the
// charts count.
import { describe, expect, it } from "vitest";
import { pooled } from "@/lib/db";
import { createGoal } from "@/lib/orchestration/create-goal";
import { registerAgent } from "@/lib/orchestration/agents";
import { pullTasks } from "@/lib/orchestration/assign-tasks";
import { completeTasks, failTask } from "@/lib/orchestration/report-result";
import { getThroughput } from "@/lib/presenters/throughput";

/** attempt_ends as {outcome: n} for one agent, rows of n = 0 left out. */
async function ends(agentId: string): Promise<Record<string, number>> {
  const rows = await pooled().$queryRaw<Array<{ outcome: string; n: number }>>`
    SELECT outcome, sum(n)::int AS n FROM attempt_ends WHERE agent_id = ${agentId}::uuid GROUP BY outcome HAVING sum(n) <> 0`;
  return Object.fromEntries(rows.map((r) => [r.outcome, r.n]));
}

describe("attempt_ends", () => {
  it("counts what the engine ends, once each, and the charts read it", async () => {
    await createGoal({
      goal: "ends",
      actor: "test",
      plan: { tasks: Array.from({ length: 30 }, (_, i) => ({ key: `t${i}`, name: `t${i}`, max_attempts: 1 })) },
    });
    const agent = await registerAgent({ skills: [], capacity: 30, name: "ender" });
    const pulled = await pullTasks({ agentId: agent.id, max: 30 });
    expect(pulled).toHaveLength(30);
    expect(await ends(agent.id)).toEqual({}); // started, not ended

    await completeTasks(pulled.slice(0, 25).map((a) => ({ subtaskId: a.subtaskId, agentId: agent.id, attempt: a.attempt, result: "ok" })));
    for (const a of pulled.slice(25)) await failTask({ subtaskId: a.subtaskId, agentId: agent.id, attempt: a.attempt, error: "no" });
    expect(await ends(agent.id)).toEqual({ completed: 25, failed: 5 });
    // A repeated completion changes nothing.
    await completeTasks([{ subtaskId: pulled[0]!.subtaskId, agentId: agent.id, attempt: pulled[0]!.attempt, result: "ok" }]);
    expect(await ends(agent.id)).toEqual({ completed: 25, failed: 5 });

    const chart = await getThroughput({ minutes: 5, agentId: agent.id });
    expect(chart.totals).toEqual({ completed: 25, failed: 5 });
  });

  it("follows a statement that rewrites an ended attempt's outcome or end, or deletes it", async () => {
    const agent = await registerAgent({ skills: [], capacity: 1, name: "rewritten" });
    const [task] = await pooled().$queryRaw<Array<{ id: string }>>`SELECT id FROM subtasks LIMIT 1`;
    const insert = (number: number, outcome: string, ended: string | null) =>
      pooled().$executeRaw`INSERT INTO attempts (id, subtask_id, number, agent_id, outcome, started_at, ended_at)
        VALUES (gen_random_uuid(), ${task!.id}::uuid, ${number}, ${agent.id}::uuid, ${outcome}, now(), ${ended}::timestamptz)`;
    await insert(901, "completed", "2026-01-01T10:00:30Z");
    await insert(902, "failed", "2026-01-01T10:01:00Z");
    await insert(903, "running", null);
    expect(await ends(agent.id)).toEqual({ completed: 1, failed: 1 });

    await pooled().$executeRaw`UPDATE attempts SET outcome = 'superseded' WHERE agent_id = ${agent.id}::uuid AND number = 901`;
    await pooled()
      .$executeRaw`UPDATE attempts SET outcome = 'completed', ended_at = '2026-01-01T10:02:00Z' WHERE agent_id = ${agent.id}::uuid AND number = 903`;
    expect(await ends(agent.id)).toEqual({ superseded: 1, failed: 1, completed: 1 });
    // Moved to another minute: taken from the old one, added to the new.
    await pooled().$executeRaw`UPDATE attempts SET ended_at = '2026-01-01T10:05:00Z' WHERE agent_id = ${agent.id}::uuid AND number = 902`;
    const minutes = await pooled().$queryRaw<Array<{ minute: Date; n: number }>>`
      SELECT minute, n FROM attempt_ends WHERE agent_id = ${agent.id}::uuid AND outcome = 'failed' AND n <> 0`;
    expect(minutes.map((m) => [m.minute.toISOString(), m.n])).toEqual([["2026-01-01T10:05:00.000Z", 1]]);

    await pooled().$executeRaw`DELETE FROM attempts WHERE agent_id = ${agent.id}::uuid`;
    expect(await ends(agent.id)).toEqual({});
  });
});
