// What an agent is handed for one attempt (a fresh assignment or one the operator made
// for it): the task, its goal, and the results of the task's direct dependencies.
import { Prisma, type Tx } from "@/lib/db";
import type { Columns } from "@/lib/db/rows";

export interface Assignment {
  subtaskId: string;
  goalId: string;
  agentId: string;
  attempt: number;
  key: string;
  name: string;
  description: string;
  requiredSkills: string[];
  priority: number;
  timeoutS: number;
  deadlineAt: Date;
  goal: string;
  context: string | null;
  /** Results of the task's direct dependencies, so the agent can build on them. */
  inputs: Array<{ key: string; name: string; result: string | null }>;
  /**
   * The task's previous attempt when it did not stand (rejected by the operator, failed —
   * a result that did not match the output_schema included — or timed out), so the agent
   * can do better: its result, its error and the operator's feedback. Null on a first attempt.
   */
  previousAttempt: PreviousAttempt | null;
}

export interface PreviousAttempt {
  number: number;
  outcome: string;
  result: string | null;
  error: string | null;
  feedback: string | null;
}

/** A running task joined with its goal, as the queries that hand out work select it. */
export type AssignmentRow = Columns<
  "subtasks",
  "id" | "goal_id" | "attempt" | "key" | "name" | "description" | "required_skills" | "priority" | "timeout_s"
> &
  Columns<"goals", "goal" | "context"> & {
    // A running task's: set when the attempt starts.
    agent_id: string;
    deadline_at: Date;
  };

/**
 * The inputs of the task in row `t` (columns id, goal_id, kind), as a correlated subquery:
 * its direct dependencies' results in plan order, as a JSON array of {key, name, result}
 * (null when it has none). An aggregate task (aggregation "agent") is given every completed
 * result of its goal instead.
 */
export function inputsOf(t: string): Prisma.Sql {
  const a = Prisma.raw(t);
  return Prisma.sql`(
    SELECT json_agg(json_build_object('key', x.key, 'name', x.name, 'result', x.result) ORDER BY x.position) FROM (
      SELECT p.key, p.name, p.result, p.position FROM subtask_dependencies d JOIN subtasks p ON p.id = d.depends_on_id
      WHERE d.subtask_id = ${a}.id AND ${a}.kind <> 'aggregate'
      UNION ALL
      SELECT p.key, p.name, p.result, p.position FROM subtasks p
      WHERE ${a}.kind = 'aggregate' AND p.goal_id = ${a}.goal_id AND p.id <> ${a}.id AND p.kind = 'task' AND p.status = 'completed'
    ) x
  )`;
}

/** The direct dependencies' results of each task, in plan order (inputsOf). */
export async function dependencyInputs(tx: Tx, taskIds: string[]): Promise<Map<string, Assignment["inputs"]>> {
  if (taskIds.length === 0) return new Map();
  const rows = await tx.$queryRaw<Array<{ id: string; inputs: Assignment["inputs"] | null }>>`
    SELECT s.id, ${inputsOf("s")} AS inputs FROM subtasks s WHERE s.id = ANY(${taskIds}::uuid[])`;
  return inputsByTask(rows);
}

/** Rows that selected inputsOf as `inputs`, as the inputs of each task that has some. */
export function inputsByTask(rows: Array<{ id: string; inputs: Assignment["inputs"] | null }>): Map<string, Assignment["inputs"]> {
  return new Map(rows.flatMap((r) => (r.inputs ? [[r.id, r.inputs] as const] : [])));
}

/** The last attempt before the current one of each task, when it was rejected, failed or timed out. */
export async function previousAttempts(tx: Tx, rows: Array<{ id: string; attempt: number }>): Promise<Map<string, PreviousAttempt>> {
  const byTask = new Map<string, PreviousAttempt>();
  const again = rows.filter((r) => r.attempt > 1);
  if (again.length === 0) return byTask;
  const found = await tx.$queryRaw<Array<PreviousAttempt & { subtask_id: string }>>`
    SELECT DISTINCT ON (a.subtask_id) a.subtask_id, a.number, a.outcome, a.result, a.error, a.feedback
    FROM attempts a JOIN unnest(${again.map((r) => r.id)}::uuid[], ${again.map((r) => r.attempt)}::int[]) AS c(id, attempt)
      ON a.subtask_id = c.id AND a.number < c.attempt
    WHERE a.outcome IN ('rejected', 'failed', 'timed_out')
    ORDER BY a.subtask_id, a.number DESC`;
  for (const { subtask_id, ...attempt } of found) byTask.set(subtask_id, attempt);
  return byTask;
}

export function toAssignment(
  r: AssignmentRow,
  inputs: Map<string, Assignment["inputs"]>,
  previous?: Map<string, PreviousAttempt>,
): Assignment {
  return {
    subtaskId: r.id,
    goalId: r.goal_id,
    agentId: r.agent_id,
    attempt: r.attempt,
    key: r.key,
    name: r.name,
    description: r.description,
    requiredSkills: r.required_skills,
    priority: r.priority,
    timeoutS: r.timeout_s,
    deadlineAt: r.deadline_at,
    goal: r.goal,
    context: r.context,
    inputs: inputs.get(r.id) ?? [],
    previousAttempt: previous?.get(r.id) ?? null,
  };
}
