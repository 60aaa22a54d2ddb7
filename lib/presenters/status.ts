// System status counts (seed 001 get_status).
import { db } from "@/lib/db";
import { GOAL_STATUSES, SUBTASK_STATUSES } from "@/lib/orchestration/types";
import { listAgents } from "@/lib/presenters/agents";
import { countUnroutable } from "@/lib/presenters/routing";

function countBy<T extends string>(keys: readonly T[], rows: Array<{ status: string; n: number }>) {
  const counts = Object.fromEntries(keys.map((k) => [k, 0])) as Record<T | "total", number>;
  let total = 0;
  for (const r of rows) {
    counts[r.status as T] = r.n;
    total += r.n;
  }
  counts.total = total;
  return counts;
}

export async function getStatus() {
  const [agents, tasks, goals, unroutable] = await Promise.all([
    listAgents(),
    db().$queryRaw<Array<{ status: string; n: number }>>`SELECT status, count(*)::int AS n FROM subtasks GROUP BY status`,
    db().$queryRaw<Array<{ status: string; n: number }>>`SELECT status, count(*)::int AS n FROM goals GROUP BY status`,
    countUnroutable(),
  ]);
  return {
    agents: {
      total: agents.length,
      idle: agents.filter((a) => a.status === "idle").length,
      busy: agents.filter((a) => a.status === "busy").length,
      offline: agents.filter((a) => a.status === "offline").length,
      capacity: agents.filter((a) => a.status !== "offline").reduce((n, a) => n + a.capacity, 0),
      running: agents.reduce((n, a) => n + a.running, 0),
    },
    tasks: countBy(SUBTASK_STATUSES, tasks),
    goals: countBy(GOAL_STATUSES, goals),
    /** Issue 9: open tasks whose skills no live agent covers. */
    unroutable,
  };
}
