// Assignment. An agent pulls ready work matching its skills up to its free capacity, or
// the operator assigns across all live agents at once. Ready tasks are taken with
// FOR UPDATE SKIP LOCKED, so concurrent callers (on any instance) never share one.
import { Prisma, HOT_PATH, type Tx } from "@/lib/db";
import { eventsCtes, withEvents, type Emit } from "@/lib/events/record";
import { forbidden, notFound } from "@/lib/errors";
import { planAssignments } from "@/lib/orchestration/plan-assignments";
import { hasUndeliveredSql, takeUndeliveredAttempts } from "@/lib/orchestration/deliver-reassigned";
import {
  inputsByTask,
  inputsOf,
  previousAttempts,
  toAssignment,
  type Assignment,
  type AssignmentRow,
} from "@/lib/orchestration/assignment";
import { recordAssignments } from "@/lib/metrics";
import { claimReady, inClaimTurn, inPullSlot, readyOrder } from "@/lib/orchestration/ready";
import { liveAgentSql } from "@/lib/orchestration/liveness";
import type { Columns } from "@/lib/db/rows";

export type { Assignment } from "@/lib/orchestration/assignment";

/**
 * What to start attempts for: given (task, agent) pairs whose tasks the caller has locked,
 * or the first `limit` ready tasks an agent can do, claimed in the same statement (FOR
 * UPDATE SKIP LOCKED in ready order, lib/orchestration/ready.ts).
 */
export type AttemptSource = Array<{ taskId: string; agentId: string }> | { agentId: string; skills: string[]; limit: number };

/** A task whose attempt a statement started, with its goal and its inputs (STARTED_ROWS). */
type StartedRow = AssignmentRow &
  Columns<"subtasks", "critical_path_s" | "ready_at" | "position"> & { goal_started: boolean; inputs: Assignment["inputs"] | null };

/**
 * CTEs that start an attempt for each of `pairs` (a SELECT of task_id, agent_id over tasks
 * this statement or its transaction holds): `upd` the tasks, now running; their attempts;
 * `counted`, the agents' running counts (the statement given); `started`, the goals that
 * start now; and the events, written by the statement itself (eventsCtes): `before` (rows
 * of type, actor, goal_id, subtask_id, agent_id, data, part 0 and n, their order; or none), then a `goal.started` for
 * each goal started, then a `task.assigned` for each task, in the scheduler's order (the
 * goals in the order of their first task). The caller flushes the events it emitted before
 * (Emit.flush). A webhook delivery the events make takes a key-share lock on its webhook
 * (the foreign key): a claim can wait in its turn on a webhook being deleted, briefly.
 */
function startCtes(pairs: Prisma.Sql, counted: Prisma.Sql, now: Date, actor: string, before: Prisma.Sql | null): Prisma.Sql {
  return Prisma.sql`pairs AS (${pairs}),
    upd AS (
      UPDATE subtasks s SET status = 'running', agent_id = p.agent_id, attempt = s.attempt + 1, started_at = ${now},
        deadline_at = ${now}::timestamptz + s.timeout_s * interval '1 second', next_attempt_at = NULL
      -- The id list lets the planner probe the primary key instead of hashing the whole table.
      FROM pairs p WHERE s.id = p.task_id AND s.id = ANY(ARRAY(SELECT task_id FROM pairs))
      RETURNING s.id, s.goal_id, s.agent_id, s.attempt, s.key, s.name, s.description, s.required_skills, s.priority, s.timeout_s, s.deadline_at,
        s.critical_path_s, s.ready_at, s.position, s.kind
    ), attempted AS (
      INSERT INTO attempts (subtask_id, number, agent_id, outcome, started_at)
      SELECT id, attempt, agent_id, 'running', ${now} FROM upd
    ), counted AS (${counted}), started AS (
      -- SKIP LOCKED: of many first claims in one goal, one starts it and the rest do not
      -- queue behind it on the goal's row (a goal left pending is started by a later claim).
      UPDATE goals SET status = 'running', started_at = ${now}
      WHERE id IN (SELECT id FROM goals WHERE id IN (SELECT goal_id FROM upd) AND status = 'pending' FOR UPDATE SKIP LOCKED)
      RETURNING id
    ), assigned AS (
      SELECT upd.*, row_number() OVER (ORDER BY ${readyOrder("upd")}) AS n FROM upd
    ), ${eventsCtes(Prisma.sql`
      SELECT type, actor, goal_id, subtask_id, agent_id, data FROM (
        ${before === null ? Prisma.empty : Prisma.sql`${before} UNION ALL`}
        SELECT 'goal.started'::text AS type, ${actor}::text AS actor, started.id AS goal_id, NULL::uuid AS subtask_id,
          NULL::uuid AS agent_id, jsonb_build_object('status', 'running') AS data, 1 AS part, first.n
        FROM started JOIN (SELECT goal_id, min(n) AS n FROM assigned GROUP BY goal_id) first ON first.goal_id = started.id
        UNION ALL
        SELECT 'task.assigned', ${actor}, goal_id, id, agent_id, jsonb_build_object('attempt', attempt, 'status', 'running'), 2, n
        FROM assigned
      ) e ORDER BY part, n`)}`;
}

/** The tasks startCtes started, with their goals and their inputs (StartedRow). */
const STARTED_ROWS = Prisma.sql`
  SELECT upd.id, upd.goal_id, upd.agent_id, upd.attempt, upd.key, upd.name, upd.description, upd.required_skills, upd.priority,
    upd.timeout_s, upd.deadline_at, upd.critical_path_s, upd.ready_at, upd.position, g.goal, g.context,
    (g.id IN (SELECT id FROM started)) AS goal_started, ${inputsOf("upd")} AS inputs
  FROM upd JOIN goals g ON g.id = upd.goal_id`;

/** The started tasks as assignments, in the rows' order (their events the statement wrote). */
async function handOut(tx: Tx, rows: StartedRow[]): Promise<Assignment[]> {
  const inputs = inputsByTask(rows);
  const previous = await previousAttempts(tx, rows); // a query only when some task runs again
  return rows.map((r) => toAssignment(r, inputs, previous));
}

/** Starts an attempt for each task of `source`, in one statement; answers them in the scheduler's order. */
export async function startAttempts(tx: Tx, emit: Emit, source: AttemptSource, now: Date, actor: string): Promise<Assignment[]> {
  const given = Array.isArray(source);
  if (given ? source.length === 0 : source.limit <= 0) return [];
  const pairs = given
    ? Prisma.sql`SELECT * FROM unnest(${source.map((p) => p.taskId)}::uuid[], ${source.map((p) => p.agentId)}::uuid[]) AS p(task_id, agent_id)`
    : Prisma.sql`SELECT id AS task_id, ${source.agentId}::uuid AS agent_id FROM (${claimReady(source.skills, source.limit, now)}) ready`;
  const counted = Prisma.sql`
    UPDATE agents a SET running = a.running + c.n
    FROM (SELECT agent_id, count(*)::int AS n FROM upd GROUP BY agent_id) c
    WHERE a.id = c.agent_id`;
  const statement = () =>
    tx.$queryRaw<StartedRow[]>`WITH ${startCtes(pairs, counted, now, actor, null)} ${STARTED_ROWS} ORDER BY ${readyOrder("upd")}`;
  await emit.flush(tx);
  const rows = given ? await statement() : await inClaimTurn(statement);
  if (rows.length > 0) emit.logged();
  if (given) {
    // In the order the caller chose them.
    const rank = new Map(source.map((p, i) => [p.taskId, i]));
    rows.sort((x, y) => rank.get(x.id)! - rank.get(y.id)!);
  }
  return handOut(tx, rows);
}

/**
 * A pull's first statement: the agent locked, its heartbeat, and the ready tasks it can do
 * up to its free capacity (or `max`) claimed, in one round trip and one claim turn. One row
 * per task claimed (task columns null when none). No row at all when the agent's row is
 * locked by another transaction (or there is no such agent): a statement in the claim turn
 * never waits on a lock (inClaimTurn), so it skips a busy agent and the caller takes the
 * agent first, outside the turn. It claims nothing when the operator left work for the
 * agent (the caller hands that over first: lib/orchestration/deliver-reassigned.ts) or the
 * agent is drained.
 */
function pullStatement(agentId: string, max: number | undefined, now: Date, actor: string): Prisma.Sql {
  // Locked before any task: the claim's LIMIT reads it.
  const agent = Prisma.sql`
    old AS (
      SELECT id, offline, skills, capacity, running, drained,
        ${hasUndeliveredSql("agents")} AS has_undelivered
      FROM agents WHERE id = ${agentId}::uuid AND NOT removed FOR UPDATE SKIP LOCKED
    ), want AS (
      SELECT CASE WHEN has_undelivered OR drained THEN 0
        ELSE GREATEST(LEAST(COALESCE(${max ?? null}::int, capacity - running), capacity - running), 0) END AS n
      FROM old
    )`;
  const pairs = Prisma.sql`SELECT id AS task_id, ${agentId}::uuid AS agent_id FROM (${claimReady(
    Prisma.sql`(SELECT skills FROM old)`,
    Prisma.sql`COALESCE((SELECT n FROM want), 0)`,
    now,
  )}) ready`;
  // One update of the agent's row: its heartbeat and its running count.
  const counted = Prisma.sql`
    UPDATE agents a SET running = a.running + (SELECT count(*) FROM upd)::int, last_heartbeat_at = ${now}, offline = false
    WHERE a.id = (SELECT id FROM old)`;
  // The agent's coming back (its heartbeat), before the goals and tasks it starts.
  const online = Prisma.sql`
    SELECT 'agent.online'::text AS type, ${actor}::text AS actor, NULL::uuid AS goal_id, NULL::uuid AS subtask_id, id AS agent_id,
      '{}'::jsonb AS data, 0 AS part, 1::bigint AS n
    FROM old WHERE offline`;
  return Prisma.sql`
    WITH ${agent}, ${startCtes(pairs, counted, now, actor, online)}
    SELECT old.offline AS agent_offline, old.has_undelivered AS agent_has_undelivered, old.drained AS agent_drained,
      old.skills AS agent_skills, old.capacity - old.running AS agent_free, claimed.*
    FROM old LEFT JOIN (${STARTED_ROWS}) claimed ON true
    ORDER BY ${readyOrder("claimed")}`;
}

/** The agent as a pull found it (locked, its heartbeat recorded). */
interface PullingAgent {
  agent_offline: boolean;
  agent_has_undelivered: boolean;
  agent_drained: boolean;
  agent_skills: string[];
  /** Capacity minus running, before this pull. */
  agent_free: number;
}

/** A row of pullStatement: the agent's columns, and a claimed task's (all null when none was). */
type PullRow = { [K in keyof StartedRow]: StartedRow[K] | null } & PullingAgent;

/** The agent locked (waiting for it, outside the claim turn) and its heartbeat recorded, as pullStatement does; 404 when there is none. */
async function lockPullingAgent(tx: Tx, agentId: string, now: Date): Promise<PullingAgent> {
  const agents = await tx.$queryRaw<PullingAgent[]>`
    UPDATE agents a SET last_heartbeat_at = ${now}, offline = false
    FROM (SELECT id, offline FROM agents WHERE id = ${agentId}::uuid AND NOT removed FOR UPDATE) old
    WHERE a.id = old.id
    RETURNING old.offline AS agent_offline, a.drained AS agent_drained, a.skills AS agent_skills, a.capacity - a.running AS agent_free,
      ${hasUndeliveredSql("a")} AS agent_has_undelivered`;
  if (!agents[0]) throw notFound("agent", agentId, "agent_id");
  return agents[0];
}

/** The agent pulls up to `max` ready tasks it can do (default: its free capacity). Counts as a heartbeat. */
export async function pullTasks(options: { agentId: string; max?: number; now?: Date }): Promise<Assignment[]> {
  const now = options.now ?? new Date();
  const started = performance.now();
  const actor = `agent:${options.agentId}`;
  const assignments = await inPullSlot(() => pullIn(options, now, actor));
  recordAssignments("pull", assignments.length, (performance.now() - started) / 1000);
  return assignments;
}

/** The pull's transaction (pullTasks runs it in a pull slot). */
function pullIn(options: { agentId: string; max?: number }, now: Date, actor: string): Promise<Assignment[]> {
  return withEvents(async (tx, emit) => {
    // Nothing is emitted before the pull statement, which writes its own events.
    const rows = await inClaimTurn(() => tx.$queryRaw<PullRow[]>(pullStatement(options.agentId, options.max, now, actor)));
    const agent = rows[0] ?? (await lockPullingAgent(tx, options.agentId, now));
    if (!rows[0] && agent.agent_offline) emit({ type: "agent.online", actor, agentId: options.agentId });
    const claimed = rows.filter((r): r is PullRow & StartedRow => r.id !== null);
    if (claimed.length > 0 || rows[0]?.agent_offline) emit.logged();
    if (rows[0] && !agent.agent_has_undelivered) return handOut(tx, claimed);
    // Work the operator reassigned to this agent comes first (it already counts as running);
    // then what capacity is left, claimed now.
    const handedOver = agent.agent_has_undelivered ? await takeUndeliveredAttempts(tx, options.agentId, now) : [];
    const free = agent.agent_free;
    const limit = Math.min(options.max === undefined ? free : options.max - handedOver.length, free);
    // A drained agent gets no new work (what was already handed to it still reaches it).
    if (limit <= 0 || agent.agent_drained) return handedOver;
    const fresh = await startAttempts(tx, emit, { agentId: options.agentId, skills: agent.agent_skills, limit }, now, actor);
    return handedOver.length > 0 ? [...handedOver, ...fresh] : fresh;
  }, HOT_PATH);
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
