// The goal's timeline (issue 9): every attempt of every task as a bar (start → end,
// coloured by outcome), with the queue wait before it (ready → started) drawn apart, and
// the tasks still waiting in the queue. Times are epoch milliseconds (compact at 1,000 tasks).
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";

export interface TimelineAttempt {
  task: number;
  number: number;
  agent: number;
  outcome: string;
  /** When the task was ready for this attempt (queue wait = started - queued). */
  queued: number;
  started: number;
  /** null while running. */
  ended: number | null;
}

export interface Timeline {
  now: number;
  tasks: Array<{ id: string; key: string; name: string; status: string; ready: number | null }>;
  agents: Array<{ id: string; name: string }>;
  attempts: TimelineAttempt[];
}

const ms = (d: Date | null) => (d ? d.getTime() : null);

export async function getTimeline(goalId: string, now = new Date()): Promise<Timeline> {
  const goal = await db().$queryRaw<Array<{ id: string }>>`SELECT id FROM goals WHERE id = ${goalId}::uuid`;
  if (!goal[0]) throw notFound("goal", goalId, "id");
  const tasks = await db().$queryRaw<
    Array<{ id: string; key: string; name: string; status: string; ready_at: Date | null; created_at: Date }>
  >`
    SELECT id, key, name, status, ready_at, created_at FROM subtasks WHERE goal_id = ${goalId}::uuid ORDER BY position`;
  const attempts = await db().$queryRaw<
    Array<{
      subtask_id: string;
      number: number;
      agent_id: string;
      agent_name: string;
      outcome: string;
      started_at: Date;
      ended_at: Date | null;
    }>
  >`
    SELECT t.subtask_id, t.number, t.agent_id, a.name AS agent_name, t.outcome, t.started_at, t.ended_at
    FROM attempts t JOIN subtasks s ON s.id = t.subtask_id JOIN agents a ON a.id = t.agent_id
    WHERE s.goal_id = ${goalId}::uuid ORDER BY t.subtask_id, t.number`;
  const taskIndex = new Map(tasks.map((t, i) => [t.id, i]));
  const agents: Timeline["agents"] = [];
  const agentIndex = new Map<string, number>();
  const out: TimelineAttempt[] = [];
  let previousEnd: { task: string; ended: number | null } | null = null;
  for (const a of attempts) {
    const task = tasks[taskIndex.get(a.subtask_id)!]!;
    if (!agentIndex.has(a.agent_id)) {
      agentIndex.set(a.agent_id, agents.length);
      agents.push({ id: a.agent_id, name: a.agent_name });
    }
    const started = a.started_at.getTime();
    // Ready since: the end of the attempt before (a retry, a requeue) or the task's ready time.
    const candidates = [
      previousEnd?.task === a.subtask_id ? previousEnd.ended : null,
      ms(task.ready_at),
      a.number === 1 ? task.created_at.getTime() : null,
    ].filter((t): t is number => t !== null && t <= started);
    out.push({
      task: taskIndex.get(a.subtask_id)!,
      number: a.number,
      agent: agentIndex.get(a.agent_id)!,
      outcome: a.outcome,
      queued: candidates.length ? Math.max(...candidates) : started,
      started,
      ended: ms(a.ended_at),
    });
    previousEnd = { task: a.subtask_id, ended: ms(a.ended_at) };
  }
  return {
    now: now.getTime(),
    tasks: tasks.map((t) => ({ id: t.id, key: t.key, name: t.name, status: t.status, ready: ms(t.ready_at) })),
    agents,
    attempts: out,
  };
}
