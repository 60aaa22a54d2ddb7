// The periodic sweep: agents past their heartbeat window go offline and their tasks go
// back to the pool; running tasks past their deadline fail that attempt; goals whose
// tasks are all terminal are closed. Every instance runs it; an advisory lock lets one
// at a time do the work.
import { db } from "@/lib/db";
import { OPEN_GOAL_SQL, OPEN_SUBTASK_SQL } from "@/lib/db/status-sql";
import { withEvents } from "@/lib/events/record";
import { failAttempt, type SubtaskRow } from "@/lib/orchestration/report-result";
import { finalizeGoalIfDone } from "@/lib/orchestration/finalize-goal";
import { requeueAgentTasks } from "@/lib/orchestration/requeue";
import { liveSince } from "@/lib/orchestration/liveness";
import type { Columns } from "@/lib/db/rows";

const SWEEP_LOCK_KEY = 7_351_990_002;

export interface SweepReport {
  ran: boolean;
  agentsOffline: string[];
  tasksRequeued: string[];
  tasksTimedOut: string[];
  goalsFinalized: string[];
}

export async function sweep(options: { now?: Date; heartbeatTimeoutS?: number } = {}): Promise<SweepReport> {
  const now = options.now ?? new Date();
  const cutoff = liveSince(now, options.heartbeatTimeoutS);
  const report: SweepReport = { ran: false, agentsOffline: [], tasksRequeued: [], tasksTimedOut: [], goalsFinalized: [] };
  const touchedGoals = new Set<string>();
  await withEvents(async (tx, emit) => {
    const locked = await tx.$queryRaw<Array<{ ok: boolean }>>`SELECT pg_try_advisory_xact_lock(${SWEEP_LOCK_KEY}) AS ok`;
    if (!locked[0]?.ok) return;
    report.ran = true;

    const dead = await tx.$queryRaw<Array<{ id: string }>>`
      UPDATE agents SET offline = true
      WHERE id IN (SELECT id FROM agents WHERE NOT offline AND NOT removed AND last_heartbeat_at < ${cutoff} FOR UPDATE SKIP LOCKED)
      RETURNING id`;
    for (const agent of dead) {
      report.agentsOffline.push(agent.id);
      emit({ type: "agent.offline", actor: "system", agentId: agent.id, data: { last_heartbeat_before: cutoff.toISOString() } });
      report.tasksRequeued.push(...(await requeueAgentTasks(tx, emit, agent.id, "offline", "system", now)));
    }

    // Agents before tasks (lib/orchestration/locks.ts), and never waiting: a task whose
    // agent or row is busy times out on a later sweep.
    const overdueAgents = await tx.$queryRaw<Array<{ id: string }>>`
      SELECT id FROM agents WHERE id IN (
        SELECT DISTINCT agent_id FROM subtasks WHERE status = 'running' AND deadline_at < ${now} AND agent_id IS NOT NULL)
      ORDER BY id FOR UPDATE SKIP LOCKED`;
    const overdue = await tx.$queryRaw<Array<SubtaskRow & Columns<"subtasks", "timeout_s">>>`
      SELECT id, goal_id, key, name, status, attempt, failures, max_attempts, agent_id, result, error, next_attempt_at, started_at, finished_at, timeout_s
      FROM subtasks WHERE status = 'running' AND deadline_at < ${now} AND agent_id = ANY(${overdueAgents.map((a) => a.id)}::uuid[])
      ORDER BY deadline_at LIMIT 1000 FOR UPDATE SKIP LOCKED`;
    for (const task of overdue) {
      await failAttempt(tx, emit, {
        task,
        attemptNumber: task.attempt,
        agentId: task.agent_id!,
        error: `timed out after ${task.timeout_s}s`,
        outcome: "timed_out",
        now,
        actor: "system",
      });
      report.tasksTimedOut.push(task.id);
      touchedGoals.add(task.goal_id);
    }
  });
  if (!report.ran) return report;
  // Goals left open by a crash between a task's commit and its goal's finalization.
  const idle = await db().$queryRaw<Array<{ id: string }>>`
    SELECT g.id FROM goals g WHERE g.status IN ${OPEN_GOAL_SQL}
      AND NOT EXISTS (SELECT 1 FROM subtasks s WHERE s.goal_id = g.id AND s.status IN ${OPEN_SUBTASK_SQL})
    LIMIT 100`;
  for (const g of idle) touchedGoals.add(g.id);
  for (const goalId of touchedGoals) if (await finalizeGoalIfDone(goalId, now)) report.goalsFinalized.push(goalId);
  return report;
}
