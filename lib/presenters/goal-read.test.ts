// A goal's read (GET /api/goals/:id) reflects exactly the events it says it does — every
// one up to `last_seq` and those in `reflected_seqs` — while agents move the goal's tasks
// concurrently: the goal and its tasks are read in one snapshot. Read in two, a task could
// already be in a state whose event the answer did not count, and the dashboard, applying
// that event's patch on the answer, showed it one state back.
import { describe, expect, it } from "vitest";
import { pooled } from "@/lib/db";
import { createGoal } from "@/lib/orchestration/create-goal";
import { registerAgent } from "@/lib/orchestration/agents";
import { pullTasks } from "@/lib/orchestration/assign-tasks";
import { completeTasks } from "@/lib/orchestration/report-result";
import { getGoal } from "@/lib/presenters/goals";

describe("a goal's read", () => {
  it("shows every task as the events up to its last_seq left it, while agents move them", async () => {
    const n = 60;
    const goal = await createGoal({
      goal: "one snapshot",
      actor: "test",
      plan: { tasks: Array.from({ length: n }, (_, i) => ({ key: `t${i}`, name: `t${i}` })) },
    });
    const goalId = goal.goalId!;
    const agents = await Promise.all([1, 2, 3].map(() => registerAgent({ skills: [], capacity: 5 })));

    let done = 0;
    const work = Promise.all(
      agents.map(async (agent) => {
        while (done < n) {
          const batch = await pullTasks({ agentId: agent.id, max: 2 });
          if (batch.length === 0) {
            await new Promise((r) => setTimeout(r, 2));
            continue;
          }
          await completeTasks(batch.map((a) => ({ subtaskId: a.subtaskId, agentId: agent.id, attempt: a.attempt, result: "ok" })));
          done += batch.length;
        }
      }),
    );
    const reads: Array<{ lastSeq: number; reflected: Set<number>; status: Map<string, string> }> = [];
    const reading = (async () => {
      while (done < n) {
        const read = await getGoal(goalId);
        reads.push({
          lastSeq: read.last_seq,
          reflected: new Set(read.reflected_seqs),
          status: new Map(read.subtasks.map((s) => [s.uuid, s.status])),
        });
      }
    })();
    await Promise.all([work, reading]);
    expect(reads.length).toBeGreaterThan(0); // here 18–36, most while a hole was open

    // Each task's status after the events a read reflects (a task with none yet: as planned).
    const events = await pooled().$queryRawUnsafe<Array<{ seq: string; subtask_id: string; status: string }>>(
      `SELECT e.seq::text AS seq, e.subtask_id::text, e.data->>'status' AS status FROM events e
       WHERE e.goal_id = $1::uuid AND e.subtask_id IS NOT NULL AND e.data ? 'status' ORDER BY e.seq`,
      goalId,
    );
    const wrong: string[] = [];
    for (const read of reads) {
      const expected = new Map(goal.subtasks.map((s) => [s.id, "pending"]));
      for (const e of events) if (Number(e.seq) <= read.lastSeq || read.reflected.has(Number(e.seq))) expected.set(e.subtask_id, e.status);
      for (const [id, status] of read.status)
        if (expected.get(id) !== status)
          wrong.push(`at last_seq ${read.lastSeq} a task read ${status}, its events say ${expected.get(id)}`);
    }
    expect(wrong).toEqual([]);
  });
});
