// Tasks that add tasks (dynamic fan-out): a completion may carry `spawn: {tasks: [...]}`
// in the plan format, keys local to the spawn. The new tasks join the goal after the
// completing task (each root depends on it), and whatever depended on the completing task
// now also waits for the spawn's sinks, so the DAG stays acyclic by construction: every
// new edge points from a new task to the parent or to another new task, or from an old
// dependent of the parent to a new sink. Keys become `<parent key>.<local key>` (a
// planning task's spawn keeps its keys: it *is* the goal's plan).
//
// Applied inside the completion's transaction, after the parent is marked completed and
// before its dependents are released: the roots are inserted waiting on the parent, so the
// ordinary release makes them ready (and writes their task.ready events).
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Tx } from "@/lib/db";
import type { Emit } from "@/lib/events/record";
import { SwitchyardError } from "@/lib/errors";
import { validatePlan } from "@/lib/orchestration/dag";
import { planFromInput, type PlanInput } from "@/lib/orchestration/create-goal";
import { LIMITS, planTaskSchema } from "@/lib/orchestration/plan-schema";
import { insertDependencies, insertSubtasks, type NewSubtask } from "@/lib/orchestration/insert-plan";
import type { PlanTask } from "@/lib/orchestration/types";
import type { SubtaskKind } from "@/lib/domain";

export const SPAWN_LIMITS = {
  /** Tasks one completion may add. */
  tasksPerSpawn: 500,
  /** Tasks a goal may hold in all, spawned ones included (the plan limit). */
  tasksPerGoal: LIMITS.planTasks,
  /** A spawned task's key, parent prefix included. */
  keyChars: 64,
} as const;

export const spawnSchema = z.strictObject({
  tasks: z
    .array(planTaskSchema)
    .min(1, "a spawn needs at least one task")
    .max(SPAWN_LIMITS.tasksPerSpawn, `a spawn adds at most ${SPAWN_LIMITS.tasksPerSpawn} tasks`)
    .refine(
      (tasks) => tasks.reduce((n, t) => n + (t.depends_on?.length ?? 0), 0) <= LIMITS.planEdges,
      `a spawn has at most ${LIMITS.planEdges} dependencies in all`,
    ),
});

export type SpawnInput = { tasks: PlanInput[] };

/** A spawn checked on its own (keys, dependencies, cycles): what is left to check needs the goal. */
export interface PreparedSpawn {
  /** Topological order. */
  tasks: PlanTask[];
  /** Local key → its index in the request (for errors that name the field). */
  indexOf: Map<string, number>;
  criticalPathS: Map<string, number>;
  sinks: Set<string>;
  field: string;
}

/** Pure checks of a spawn, before any transaction: a 400 naming `<field>.tasks[i]…` when bad. */
export function prepareSpawn(input: SpawnInput, field = "spawn"): PreparedSpawn {
  const tasks = planFromInput(input.tasks);
  const { tasks: ordered, criticalPathS } = validatePlan(tasks, `${field}.tasks`);
  const indexOf = new Map(input.tasks.map((t, i) => [t.key, i]));
  const hasDependents = new Set(tasks.flatMap((t) => t.dependsOn));
  const sinks = new Set(tasks.filter((t) => !hasDependents.has(t.key)).map((t) => t.key));
  return { tasks: ordered, indexOf, criticalPathS, sinks, field };
}

export interface SpawnParent {
  id: string;
  goal_id: string;
  key: string;
}

/** Takes the goal's spawn lock: spawns into one goal are serialised (its task limit, its keys). */
export async function lockGoalsForSpawn(tx: Tx, goalIds: string[]): Promise<void> {
  for (const goalId of [...new Set(goalIds)].sort()) {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`switchyard:spawn:${goalId}`}, 0))`;
  }
}

/** The parents' dependents, locked in id order (the order every release takes them in). */
export async function lockParentDependents(
  tx: Tx,
  parentIds: string[],
): Promise<Array<{ id: string; depends_on_id: string; critical_path_s: number }>> {
  return tx.$queryRaw<Array<{ id: string; depends_on_id: string; critical_path_s: number }>>`
    SELECT s.id, d.depends_on_id, s.critical_path_s FROM subtasks s JOIN subtask_dependencies d ON d.subtask_id = s.id
    WHERE d.depends_on_id = ANY(${parentIds}::uuid[]) ORDER BY s.id FOR UPDATE OF s`;
}

/**
 * Adds a prepared spawn to the parent's goal inside the completion's transaction. Throws a
 * 400 (the transaction rolls back, nothing changes) when a key is taken or the goal would
 * pass its task limit. Returns the new tasks' ids by their goal-wide key.
 */
export async function applySpawn(
  tx: Tx,
  emit: Emit,
  options: { parent: SpawnParent; spawn: PreparedSpawn; now: Date; actor: string; agentId?: string },
): Promise<Map<string, string>> {
  const { parent, spawn, now } = options;
  const refuse = (message: string, field: string) => new SwitchyardError("validation_failed", message, { field });
  await lockGoalsForSpawn(tx, [parent.goal_id]);
  const [parentRow] = await tx.$queryRaw<Array<{ kind: SubtaskKind }>>`SELECT kind FROM subtasks WHERE id = ${parent.id}::uuid`;
  const globalKey = (local: string) => (parentRow?.kind === "planning" ? local : `${parent.key}.${local}`);
  for (const t of spawn.tasks) {
    const key = globalKey(t.key);
    if (key.length > SPAWN_LIMITS.keyChars) {
      throw refuse(
        `spawned task key "${key}" is longer than ${SPAWN_LIMITS.keyChars} characters`,
        `${spawn.field}.tasks[${spawn.indexOf.get(t.key)}].key`,
      );
    }
  }
  const keys = spawn.tasks.map((t) => globalKey(t.key));
  const taken = await tx.$queryRaw<
    Array<{ key: string }>
  >`SELECT key FROM subtasks WHERE goal_id = ${parent.goal_id}::uuid AND key = ANY(${keys}::text[])`;
  if (taken.length > 0) {
    const local = spawn.tasks.find((t) => globalKey(t.key) === taken[0]!.key)!.key;
    throw refuse(`the goal already has a task "${taken[0]!.key}"`, `${spawn.field}.tasks[${spawn.indexOf.get(local)}].key`);
  }
  const [size] = await tx.$queryRaw<Array<{ n: number; last: number }>>`
    SELECT count(*)::int AS n, COALESCE(max(position), -1)::int AS last FROM subtasks WHERE goal_id = ${parent.goal_id}::uuid`;
  if (size!.n + spawn.tasks.length > SPAWN_LIMITS.tasksPerGoal) {
    throw refuse(
      `a goal holds at most ${SPAWN_LIMITS.tasksPerGoal} tasks; it has ${size!.n} and this spawn adds ${spawn.tasks.length}`,
      `${spawn.field}.tasks`,
    );
  }

  const dependents = await lockParentDependents(tx, [parent.id]);
  const downstreamS = dependents.reduce((m, d) => Math.max(m, d.critical_path_s), 0);
  const ids = new Map(spawn.tasks.map((t) => [t.key, randomUUID()]));
  const rows: NewSubtask[] = spawn.tasks.map((t, i) => ({
    id: ids.get(t.key)!,
    key: globalKey(t.key),
    position: size!.last + 1 + i,
    task: t,
    status: "waiting",
    // Every root waits on the parent (released with the parent's other dependents).
    pendingDeps: t.dependsOn.length === 0 ? 1 : t.dependsOn.length,
    criticalPathS: Math.min(2_147_483_647, spawn.criticalPathS.get(t.key)! + downstreamS),
    kind: "task",
  }));
  // A paused goal's tasks are held: what a running attempt spawns waits for the resume too.
  await insertSubtasks(tx, parent.goal_id, rows, { now, spawnedBy: parent.id });

  const sinkIds = spawn.tasks.filter((t) => spawn.sinks.has(t.key)).map((t) => ids.get(t.key)!);
  const edges: Array<[string, string]> = [];
  for (const t of spawn.tasks) {
    if (t.dependsOn.length === 0) edges.push([ids.get(t.key)!, parent.id]);
    for (const dep of t.dependsOn) edges.push([ids.get(t.key)!, ids.get(dep)!]);
  }
  const dependentIds = [...new Set(dependents.map((d) => d.id))];
  for (const d of dependentIds) for (const s of sinkIds) edges.push([d, s]);
  await insertDependencies(tx, edges);
  if (dependentIds.length > 0) {
    // They now wait for the sinks too (the parent's own release takes one off next).
    await tx.$executeRaw`UPDATE subtasks SET pending_deps = pending_deps + ${sinkIds.length} WHERE id = ANY(${dependentIds}::uuid[])`;
  }
  emit({
    type: "task.spawned",
    actor: options.actor,
    goalId: parent.goal_id,
    subtaskId: parent.id,
    agentId: options.agentId ?? null,
    data: {
      count: rows.length,
      tasks: rows.slice(0, 100).map((r) => ({ id: r.id, key: r.key, name: r.task.name })),
      sinks: sinkIds.length,
      rewired: dependentIds.length,
    },
  });
  return new Map(rows.map((r) => [r.key, r.id]));
}

/**
 * Several completions' spawns in one transaction (complete-batch): the goals' spawn locks
 * and every parent's dependents are taken first, each kind in id order, so two batches
 * cannot lock the same rows in different orders; then each spawn is applied.
 */
export async function applySpawns(
  tx: Tx,
  emit: Emit,
  items: Array<{ parent: SpawnParent; spawn: PreparedSpawn; actor: string; agentId?: string }>,
  now: Date,
): Promise<void> {
  if (items.length === 0) return;
  await lockGoalsForSpawn(
    tx,
    items.map((i) => i.parent.goal_id),
  );
  await lockParentDependents(
    tx,
    items.map((i) => i.parent.id),
  );
  for (const item of items) await applySpawn(tx, emit, { ...item, now });
}
