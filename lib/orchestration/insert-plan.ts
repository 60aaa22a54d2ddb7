// Writes new tasks and their edges: a goal's plan (create-goal.ts) and the tasks a
// completion spawns (spawn.ts). Each goes as one JSON document (json_to_recordset): as one
// array parameter per column the driver built every array literal element by element,
// about 70 MiB of short-lived strings for a 10,000-task plan.
import type { Tx } from "@/lib/db";
import type { SubtaskKind } from "@/lib/domain";
import type { PlanTask } from "@/lib/orchestration/types";

export interface NewSubtask {
  id: string;
  key: string;
  position: number;
  task: PlanTask;
  status: "pending" | "waiting";
  pendingDeps: number;
  criticalPathS: number;
  kind: SubtaskKind;
}

/**
 * Inserts the tasks into their goal in one statement. A pending task is ready from `now`;
 * a paused goal's new tasks are held (lib/orchestration/pause-goal.ts); `spawnedBy` is the
 * task whose completion added them.
 */
export async function insertSubtasks(
  tx: Tx,
  goalId: string,
  tasks: NewSubtask[],
  options: { now: Date; spawnedBy?: string },
): Promise<void> {
  const rows = tasks.map((s) => ({
    id: s.id,
    key: s.key,
    position: s.position,
    name: s.task.name,
    description: s.task.description,
    skills: s.task.requiredSkills,
    priority: s.task.priority,
    estimate: s.task.estimatedDurationS,
    critical: s.criticalPathS,
    status: s.status,
    deps: s.pendingDeps,
    max_attempts: s.task.maxAttempts,
    timeout_s: s.task.timeoutS,
    approval: s.task.approval ?? false,
    output_schema: s.task.outputSchema ?? null,
    kind: s.kind,
  }));
  const { now } = options;
  await tx.$executeRaw`
    INSERT INTO subtasks (id, goal_id, key, position, name, description, required_skills, priority, estimated_duration_s,
      critical_path_s, status, pending_deps, max_attempts, timeout_s, approval, output_schema, held, created_at, ready_at, kind, spawned_by)
    SELECT t.id, ${goalId}::uuid, t.key, t.position, t.name, t.description, t.skills, t.priority, t.estimate, t.critical, t.status, t.deps,
      t.max_attempts, t.timeout_s, t.approval, t.output_schema,
      EXISTS (SELECT 1 FROM goals g WHERE g.id = ${goalId}::uuid AND g.status = 'paused'),
      ${now}, CASE WHEN t.status = 'pending' THEN ${now}::timestamptz END, t.kind, ${options.spawnedBy ?? null}::uuid
    FROM json_to_recordset(${JSON.stringify(rows)}::json) AS t(id uuid, key text, position int, name text, description text,
      skills text[], priority smallint, estimate int, critical int, status text, deps int, max_attempts int, timeout_s int,
      approval boolean, output_schema jsonb, kind text)`;
}

/** Inserts dependency edges, each [task, the task it depends on], in one statement. */
export async function insertDependencies(tx: Tx, edges: ReadonlyArray<readonly [string, string]>): Promise<void> {
  if (edges.length === 0) return;
  await tx.$executeRaw`
    INSERT INTO subtask_dependencies (subtask_id, depends_on_id)
    SELECT (e->>0)::uuid, (e->>1)::uuid FROM json_array_elements(${JSON.stringify(edges)}::json) e`;
}
