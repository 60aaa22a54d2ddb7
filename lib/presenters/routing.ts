// Routing that explains itself (issue 9): open tasks that no live agent's skills cover,
// and the skills open tasks demand against those live agents offer.
import { db } from "@/lib/db";
import { QUEUED_SUBTASK_STATUSES } from "@/lib/domain";
import { liveAgentSql } from "@/lib/orchestration/liveness";

/** Open tasks not running: they wait for an agent (waiting ones will, once their dependencies finish). */
const WAITING_FOR_AN_AGENT: readonly string[] = QUEUED_SUBTASK_STATUSES;
/** …and those an agent runs now: the demand for skills. */
const NEEDING_AN_AGENT: readonly string[] = [...QUEUED_SUBTASK_STATUSES, "running"];

export interface UnroutableTask {
  id: string;
  goal_id: string;
  key: string;
  required_skills: string[];
  /** Required skills no live agent has at all (empty when each is offered, but by no single agent). */
  missing_skills: string[];
}

/** Open tasks (of one goal, or all) whose required skills no single live agent covers. */
export async function listUnroutable(options: { goalId?: string; now?: Date } = {}): Promise<UnroutableTask[]> {
  const live = liveAgentSql(options.now ?? new Date());
  const rows = await db().$queryRaw<
    Array<{ id: string; goal_id: string; key: string; required_skills: string[]; missing_skills: string[] }>
  >`
    WITH live AS (SELECT skills FROM agents WHERE ${live}),
    offered AS (SELECT DISTINCT unnest(skills) AS skill FROM live)
    SELECT s.id, s.goal_id, s.key, s.required_skills,
      COALESCE(ARRAY(SELECT r FROM unnest(s.required_skills) r WHERE r NOT IN (SELECT skill FROM offered) ORDER BY r), '{}') AS missing_skills
    FROM subtasks s
    WHERE s.status = ANY(${WAITING_FOR_AN_AGENT}::text[])
      AND (${options.goalId ?? null}::uuid IS NULL OR s.goal_id = ${options.goalId ?? null}::uuid)
      AND NOT EXISTS (SELECT 1 FROM live WHERE COALESCE(s.required_skills, '{}') <@ live.skills)
    ORDER BY s.goal_id, s.position`;
  return rows.map((r) => ({ ...r, required_skills: r.required_skills ?? [] }));
}

export async function countUnroutable(now = new Date()): Promise<number> {
  const live = liveAgentSql(now);
  const rows = await db().$queryRaw<Array<{ n: number }>>`
    WITH live AS (SELECT skills FROM agents WHERE ${live})
    SELECT count(*)::int AS n FROM subtasks s
    WHERE s.status = ANY(${WAITING_FOR_AN_AGENT}::text[])
      AND NOT EXISTS (SELECT 1 FROM live WHERE COALESCE(s.required_skills, '{}') <@ live.skills)`;
  return rows[0]?.n ?? 0;
}

export interface SkillBalance {
  skill: string;
  /** Open tasks (not yet finished) that require it. */
  demanded: number;
  /** Live agents that offer it. */
  offered: number;
}

/** Skills demanded by open tasks against those offered by live agents, the short-handed first. */
export async function skillBalance(now = new Date()): Promise<SkillBalance[]> {
  const live = liveAgentSql(now);
  const rows = await db().$queryRaw<Array<{ skill: string; demanded: number; offered: number }>>`
    WITH demanded AS (
      SELECT unnest(required_skills) AS skill, count(*)::int AS n FROM subtasks
      WHERE status = ANY(${NEEDING_AN_AGENT}::text[]) GROUP BY 1
    ), offered AS (
      SELECT unnest(skills) AS skill, count(*)::int AS n FROM agents
      WHERE ${live} GROUP BY 1
    )
    SELECT COALESCE(d.skill, o.skill) AS skill, COALESCE(d.n, 0) AS demanded, COALESCE(o.n, 0) AS offered
    FROM demanded d FULL OUTER JOIN offered o ON o.skill = d.skill
    ORDER BY (COALESCE(o.n, 0) = 0 AND COALESCE(d.n, 0) > 0) DESC, COALESCE(d.n, 0) DESC, 1`;
  return rows;
}

/** "2 tasks wait for an agent with skill `translation`", per missing skill set; for the goal header. */
export function unroutableSummary(tasks: UnroutableTask[]): string[] {
  const groups = new Map<string, number>();
  for (const t of tasks) {
    const missing = t.missing_skills.length > 0 ? t.missing_skills : t.required_skills;
    const label =
      missing.length === 0
        ? "any live agent"
        : `an agent with skill${missing.length > 1 ? "s" : ""} ${missing.map((s) => `\`${s}\``).join(", ")}`;
    groups.set(label, (groups.get(label) ?? 0) + 1);
  }
  return [...groups].map(([label, n]) => `${n} task${n === 1 ? "" : "s"} wait${n === 1 ? "s" : ""} for ${label}`);
}
