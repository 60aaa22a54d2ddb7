// Read models of goals: the list with progress, and one goal with its tasks and edges.
import { db, Prisma } from "@/lib/db";
import type { Columns } from "@/lib/db/rows";
import { notFound } from "@/lib/errors";
import { presentSubtask, SUBTASK_SELECT, type SubtaskRecord } from "@/lib/presenters/subtask";
import { SUBTASK_STATUSES, TERMINAL_SUBTASK_STATUSES, type SubtaskStatus } from "@/lib/domain";

type GoalRow = Columns<"goals", "id" | "goal" | "context" | "status" | "template" | "created_at" | "started_at" | "finished_at"> & {
  counts: Record<string, number> | null;
};

function presentGoal(g: GoalRow) {
  const counts = Object.fromEntries(SUBTASK_STATUSES.map((s) => [s, g.counts?.[s] ?? 0])) as Record<SubtaskStatus, number>;
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const finished = TERMINAL_SUBTASK_STATUSES.reduce((n, s) => n + counts[s], 0);
  return {
    id: g.id,
    goal: g.goal,
    context: g.context,
    status: g.status,
    template: g.template,
    created_at: g.created_at,
    started_at: g.started_at,
    finished_at: g.finished_at,
    elapsed_ms: g.started_at ? (g.finished_at ?? new Date()).getTime() - g.started_at.getTime() : 0,
    tasks: { ...counts, total },
    progress: total === 0 ? 0 : finished / total,
  };
}

export type GoalSummary = ReturnType<typeof presentGoal>;

const COUNTS = Prisma.sql`(SELECT jsonb_object_agg(status, n) FROM (SELECT status, count(*)::int AS n FROM subtasks WHERE goal_id = g.id GROUP BY status) c) AS counts`;

export async function listGoals(options: { status?: string; limit: number }): Promise<GoalSummary[]> {
  const rows = await db().$queryRaw<GoalRow[]>`
    SELECT g.id, g.goal, g.context, g.status, g.template, g.created_at, g.started_at, g.finished_at, ${COUNTS}
    FROM goals g WHERE (${options.status ?? null}::text IS NULL OR g.status = ${options.status ?? null}) ORDER BY g.created_at DESC, g.id LIMIT ${options.limit}`;
  return rows.map(presentGoal);
}

export async function getGoal(goalId: string) {
  const goals = await db().$queryRaw<Array<GoalRow & { result: unknown }>>`
    SELECT g.id, g.goal, g.context, g.status, g.template, g.created_at, g.started_at, g.finished_at, g.result, ${COUNTS} FROM goals g WHERE g.id = ${goalId}::uuid`;
  const goal = goals[0];
  if (!goal) throw notFound("goal", goalId, "id");
  const tasks = await db().$queryRaw<SubtaskRecord[]>`
    SELECT ${SUBTASK_SELECT} FROM subtasks s LEFT JOIN agents a ON a.id = s.agent_id WHERE s.goal_id = ${goalId}::uuid ORDER BY s.position`;
  const subtasks = tasks.map(presentSubtask);
  return {
    ...presentGoal(goal),
    result: goal.result,
    subtasks,
    edges: subtasks.flatMap((s) => s.dependencies.map((d) => ({ from: d, to: s.uuid }))),
  };
}

export type GoalDetail = Awaited<ReturnType<typeof getGoal>>;
