// Read models of goals: the list with progress, and one goal with its tasks and edges.
import { db, Prisma, transaction } from "@/lib/db";
import type { Columns } from "@/lib/db/rows";
import { notFound } from "@/lib/errors";
import { decodeGoalCursor, encodeGoalCursor, searchQuery } from "@/lib/presenters/goal-cursor";
import { presentSubtask, SUBTASK_SELECT, type SubtaskRecord } from "@/lib/presenters/subtask";
import { SUBTASK_STATUSES, TERMINAL_SUBTASK_STATUSES, type SubtaskStatus } from "@/lib/domain";
import { goalUsage, type GoalUsageRow } from "@/lib/presenters/goal-usage";
import { listUnroutable, unroutableSummary } from "@/lib/presenters/routing";
import { FINAL_BOUND } from "@/lib/events/read";

type GoalRow = Columns<
  "goals",
  "id" | "goal" | "context" | "status" | "pause_reason" | "template" | "aggregation_strategy" | "created_at" | "started_at" | "finished_at"
> & {
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
    pause_reason: g.pause_reason,
    template: g.template,
    aggregation: g.aggregation_strategy,
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

export interface GoalPage {
  goals: GoalSummary[];
  /** The cursor of the next page, or null on the last one. */
  next_cursor: string | null;
}

/**
 * A page of goals, newest first: optionally of one status and matching a text search over
 * goal text and context (a tsvector expression with its GIN index, prefix matching per
 * word), after a keyset cursor (created_at, id). The migration indexes each of these paths.
 */
export async function listGoalPage(options: { status?: string; q?: string; cursor?: string; limit: number }): Promise<GoalPage> {
  const cursor = options.cursor ? decodeGoalCursor(options.cursor) : null;
  const q = options.q?.trim() ? searchQuery(options.q) : undefined;
  if (q === null) return { goals: [], next_cursor: null }; // a search with no words in it matches nothing
  const status = options.status ?? null;
  const text = q ?? null;
  const createdAt = cursor?.createdAt ?? null;
  const id = cursor?.id ?? null;
  const rows = await db().$queryRaw<GoalRow[]>`
    SELECT g.id, g.goal, g.context, g.status, g.pause_reason, g.template, g.aggregation_strategy, g.created_at, g.started_at, g.finished_at, ${COUNTS}
    FROM goals g
    WHERE (${status}::text IS NULL OR g.status = ${status})
      AND (${text}::text IS NULL OR to_tsvector('simple', g.goal || ' ' || coalesce(g.context, '')) @@ to_tsquery('simple', ${text}))
      AND (${createdAt}::timestamptz IS NULL OR (g.created_at, g.id) < (${createdAt}::timestamptz, ${id}::uuid))
    ORDER BY g.created_at DESC, g.id DESC LIMIT ${options.limit + 1}`;
  const page = rows.slice(0, options.limit);
  const last = page[page.length - 1];
  return {
    goals: page.map(presentGoal),
    next_cursor: rows.length > options.limit && last ? encodeGoalCursor({ createdAt: last.created_at, id: last.id }) : null,
  };
}

export async function listGoals(options: { status?: string; q?: string; cursor?: string; limit: number }): Promise<GoalSummary[]> {
  return (await listGoalPage(options)).goals;
}

/** At most this many of `reflected_seqs` (a hole in the log lasts moments; a live view re-applies any beyond, in order). */
const REFLECTED_MAX = 1000;

export async function getGoal(goalId: string) {
  // The goal and its tasks are read in one snapshot, which reflects exactly the events it
  // sees: every one up to `last_seq`, the log's final bound in it (lib/events/read.ts:
  // every event up to it committed, or a hole that never fills), and those of this goal
  // after it that committed beyond an event still in flight (`reflected_seqs`). A live
  // view applies every other event of the goal on this answer, and only those
  // (lib/ui/event-effects.ts patchGoal).
  const { goal, tasks } = await transaction(
    async (tx) => {
      const goals = await tx.$queryRaw<Array<GoalRow & GoalUsageRow & { result: unknown; last_seq: bigint; reflected_seqs: string[] }>>`
        WITH b AS (SELECT ${FINAL_BOUND} AS bound)
        SELECT g.id, g.goal, g.context, g.status, g.pause_reason, g.template, g.aggregation_strategy, g.created_at, g.started_at, g.finished_at, g.result, ${COUNTS},
          g.input_tokens, g.output_tokens, g.cost_usd, g.budget_max_cost_usd, g.budget_max_tokens, b.bound AS last_seq,
          ARRAY(SELECT e.seq::text FROM events e WHERE e.goal_id = g.id AND e.seq > b.bound ORDER BY e.seq LIMIT ${REFLECTED_MAX}) AS reflected_seqs
        FROM goals g, b WHERE g.id = ${goalId}::uuid`;
      if (!goals[0]) throw notFound("goal", goalId, "id");
      const tasks = await tx.$queryRaw<SubtaskRecord[]>`
        SELECT ${SUBTASK_SELECT} FROM subtasks s LEFT JOIN agents a ON a.id = s.agent_id WHERE s.goal_id = ${goalId}::uuid ORDER BY s.position`;
      return { goal: goals[0], tasks };
    },
    { snapshot: true },
  );
  // Issue 9: open tasks no live agent can take are flagged, and the goal says why.
  const unroutable = await listUnroutable({ goalId });
  const unroutableIds = new Set(unroutable.map((u) => u.id));
  const subtasks = tasks.map((t) => ({ ...presentSubtask(t), unroutable: unroutableIds.has(t.id) }));
  return {
    ...presentGoal(goal),
    result: goal.result,
    ...goalUsage(goal),
    unroutable: unroutableSummary(unroutable),
    subtasks,
    edges: subtasks.flatMap((s) => s.dependencies.map((d) => ({ from: d, to: s.uuid }))),
    last_seq: Number(goal.last_seq),
    reflected_seqs: goal.reflected_seqs.map(Number),
  };
}

export type GoalDetail = Awaited<ReturnType<typeof getGoal>>;
