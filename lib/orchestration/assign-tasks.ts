// Assignment. An agent pulls ready work matching its skills up to its free capacity, or
// the operator assigns across all live agents at once. Ready tasks are taken with
// FOR UPDATE SKIP LOCKED, so concurrent callers (on any instance) never share one.
import { Prisma, HOT_PATH, type Tx } from "@/lib/db";
import { withEvents, type Emit } from "@/lib/events/record";
import { forbidden, notFound } from "@/lib/errors";
import { planAssignments } from "@/lib/orchestration/plan-assignments";
import { takeUndeliveredAttempts } from "@/lib/orchestration/deliver-reassigned";
import { dependencyInputs, previousAttempts, toAssignment, type Assignment, type AssignmentRow } from "@/lib/orchestration/assignment";
import { recordAssignments } from "@/lib/metrics";
import { claimReady, inClaimTurn, READY_ORDER_OF_UPD } from "@/lib/orchestration/ready";
import { liveAgentSql } from "@/lib/orchestration/liveness";
import type { Columns } from "@/lib/db/rows";

export type { Assignment } from "@/lib/orchestration/assignment";

/**
 * What to start attempts for: given (task, agent) pairs whose tasks the caller has locked,
 * or the first `limit` ready tasks an agent can do, claimed in the same statement (FOR
 * UPDATE SKIP LOCKED in ready order, lib/orchestration/ready.ts).
 */
export type AttemptSource = Array<{ taskId: string; agentId: string }> | { agentId: string; skills: string[]; limit: number };

/** Starts an attempt for each task of `source`, in one statement; answers them in the scheduler's order. */
export async function startAttempts(tx: Tx, emit: Emit, source: AttemptSource, now: Date, actor: string): Promise<Assignment[]> {
  const given = Array.isArray(source);
  if (given ? source.length === 0 : source.limit <= 0) return [];
  const pairs = given
    ? Prisma.sql`SELECT * FROM unnest(${source.map((p) => p.taskId)}::uuid[], ${source.map((p) => p.agentId)}::uuid[]) AS p(task_id, agent_id)`
    : Prisma.sql`SELECT id AS task_id, ${source.agentId}::uuid AS agent_id FROM (${claimReady(source.skills, source.limit, now)}) ready`;
  // One statement: the tasks, their attempts, the agents' running counts, the goals that
  // start now, and whether the agent needs dependency results.
  const statement = () => tx.$queryRaw<Array<AssignmentRow & { goal_started: boolean; has_deps: boolean }>>`
    WITH pairs AS (${pairs}),
    upd AS (
      UPDATE subtasks s SET status = 'running', agent_id = p.agent_id, attempt = s.attempt + 1, started_at = ${now},
        deadline_at = ${now}::timestamptz + s.timeout_s * interval '1 second', next_attempt_at = NULL
      -- The id list lets the planner probe the primary key instead of hashing the whole table.
      FROM pairs p WHERE s.id = p.task_id AND s.id = ANY(ARRAY(SELECT task_id FROM pairs))
      RETURNING s.id, s.goal_id, s.agent_id, s.attempt, s.key, s.name, s.description, s.required_skills, s.priority, s.timeout_s, s.deadline_at,
        s.critical_path_s, s.ready_at, s.position
    ), ins AS (
      INSERT INTO attempts (id, subtask_id, number, agent_id, outcome, started_at)
      SELECT gen_random_uuid(), id, attempt, agent_id, 'running', ${now} FROM upd
    ), counted AS (
      UPDATE agents a SET running = a.running + c.n
      FROM (SELECT agent_id, count(*)::int AS n FROM upd GROUP BY agent_id) c
      WHERE a.id = c.agent_id
    ), started AS (
      -- SKIP LOCKED: of many first claims in one goal, one starts it and the rest do not
      -- queue behind it on the goal's row (a goal left pending is started by a later claim).
      UPDATE goals SET status = 'running', started_at = ${now}
      WHERE id IN (SELECT id FROM goals WHERE id IN (SELECT goal_id FROM upd) AND status = 'pending' FOR UPDATE SKIP LOCKED)
      RETURNING id
    )
    SELECT upd.id, upd.goal_id, upd.agent_id, upd.attempt, upd.key, upd.name, upd.description, upd.required_skills, upd.priority,
      upd.timeout_s, upd.deadline_at, g.goal, g.context, (g.id IN (SELECT id FROM started)) AS goal_started,
      EXISTS (SELECT 1 FROM subtask_dependencies d WHERE d.subtask_id = upd.id) AS has_deps
    FROM upd JOIN goals g ON g.id = upd.goal_id
    ORDER BY ${READY_ORDER_OF_UPD}`;
  const rows = given ? await statement() : await inClaimTurn(statement);
  for (const goalId of new Set(rows.filter((r) => r.goal_started).map((r) => r.goal_id))) {
    emit({ type: "goal.started", actor, goalId, data: { status: "running" } });
  }
  const inputs = await dependencyInputs(
    tx,
    rows.filter((r) => r.has_deps).map((r) => r.id),
  );
  const previous = await previousAttempts(tx, rows); // a query only when some task runs again
  if (given) {
    // In the order the caller chose them.
    const rank = new Map(source.map((p, i) => [p.taskId, i]));
    rows.sort((x, y) => rank.get(x.id)! - rank.get(y.id)!);
  }
  return rows.map((r) => {
    emit({
      type: "task.assigned",
      actor,
      goalId: r.goal_id,
      subtaskId: r.id,
      agentId: r.agent_id,
      data: { attempt: r.attempt, status: "running" },
    });
    return toAssignment(r, inputs, previous);
  });
}

/** The agent pulls up to `max` ready tasks it can do (default: its free capacity). Counts as a heartbeat. */
export async function pullTasks(options: { agentId: string; max?: number; now?: Date }): Promise<Assignment[]> {
  const now = options.now ?? new Date();
  const started = performance.now();
  const assignments = await withEvents(async (tx, emit) => {
    // Lock the agent and record the heartbeat in one statement; it also says whether the
    // operator left work for this agent (lib/orchestration/deliver-reassigned.ts).
    const agents = await tx.$queryRaw<
      Array<Columns<"agents", "skills" | "capacity" | "running" | "offline" | "drained"> & { has_undelivered: boolean }>
    >`
      UPDATE agents a SET last_heartbeat_at = ${now}, offline = false
      FROM (SELECT id, offline FROM agents WHERE id = ${options.agentId}::uuid AND NOT removed FOR UPDATE) old
      WHERE a.id = old.id
      RETURNING a.skills, a.capacity, a.running, old.offline, a.drained,
        EXISTS (SELECT 1 FROM attempts u WHERE u.agent_id = a.id AND u.delivered_at IS NULL) AS has_undelivered`;
    const agent = agents[0];
    if (!agent) throw notFound("agent", options.agentId, "agent_id");
    if (agent.offline) emit({ type: "agent.online", actor: `agent:${options.agentId}`, agentId: options.agentId });
    // Work the operator reassigned to this agent comes first (it already counts as running).
    const handedOver = agent.has_undelivered ? await takeUndeliveredAttempts(tx, options.agentId, now) : [];
    const free = agent.capacity - agent.running;
    const limit = Math.min(options.max === undefined ? free : options.max - handedOver.length, free);
    // A drained agent gets no new work (what was already handed to it still reaches it).
    if (limit <= 0 || agent.drained) return handedOver;
    const fresh = await startAttempts(tx, emit, { agentId: options.agentId, skills: agent.skills, limit }, now, `agent:${options.agentId}`);
    return handedOver.length > 0 ? [...handedOver, ...fresh] : fresh;
  }, HOT_PATH);
  recordAssignments("pull", assignments.length, (performance.now() - started) / 1000);
  return assignments;
}

/** Seed 001's assign_subtasks: ready tasks across every live agent with free capacity. */
export async function assignAcrossAgents(options: { now?: Date; actor: string; limit?: number }): Promise<Assignment[]> {
  const now = options.now ?? new Date();
  const started = performance.now();
  const assignments = await withEvents(async (tx, emit) => {
    // Agents first, then tasks: the same lock order as pullTasks, so the two cannot deadlock.
    const agents = await tx.$queryRaw<Array<Columns<"agents", "id" | "skills" | "capacity" | "running">>>`
      SELECT id, skills, capacity, running FROM agents
      WHERE ${liveAgentSql(now)} AND NOT drained AND running < capacity
      ORDER BY registered_at, id
      FOR UPDATE SKIP LOCKED`;
    if (agents.length === 0) return [];
    const free = agents.reduce((n, a) => n + a.capacity - a.running, 0);
    const tasks = await inClaimTurn(
      () => tx.$queryRaw<Array<Columns<"subtasks", "id" | "required_skills">>>`
      ${claimReady(null, Math.min(options.limit ?? 10_000, Math.max(free * 4, 100)), now)}`,
    );
    const plan = planAssignments(
      tasks.map((t) => ({ id: t.id, requiredSkills: t.required_skills })),
      agents.map((a) => ({ id: a.id, skills: a.skills, capacity: a.capacity, running: a.running })),
    );
    const assigned = await startAttempts(tx, emit, plan, now, options.actor);
    // The agents learn of this work on their next assign call (lib/orchestration/deliver-reassigned.ts).
    if (assigned.length > 0) {
      await tx.$executeRaw`
        UPDATE attempts a SET delivered_at = NULL
        FROM unnest(${assigned.map((x) => x.subtaskId)}::uuid[], ${assigned.map((x) => x.attempt)}::int[]) AS n(subtask_id, number)
        WHERE a.subtask_id = n.subtask_id AND a.number = n.number`;
    }
    return assigned;
  });
  recordAssignments("operator", assignments.length, (performance.now() - started) / 1000);
  return assignments;
}

/** An agent acting on its own behalf only. */
export function assertSelf(callerId: string, agentId: string): void {
  if (callerId !== agentId) throw forbidden("an agent can only act as itself", "agent_id");
}
