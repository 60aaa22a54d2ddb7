// Decomposes a goal (template, explicit JSON plan, markdown plan or LLM) and persists the
// goal with its subtasks and dependency edges in one transaction.
import { randomUUID } from "node:crypto";
import { checkPlanLimits, validatePlan } from "@/lib/orchestration/dag";
import { decomposeWithTemplates, type TemplateName } from "@/lib/orchestration/templates";
import { DEFAULT_ESTIMATE_S, DEFAULT_MAX_ATTEMPTS, DEFAULT_TIMEOUT_S, type PlanTask, type PriorityLevel } from "@/lib/orchestration/types";
import { setBudget } from "@/lib/orchestration/budget";
import { withEvents } from "@/lib/events/record";
import { db } from "@/lib/db";

export interface PlanInput {
  key: string;
  name: string;
  description?: string;
  required_skills?: string[];
  priority?: number;
  estimated_duration_s?: number;
  depends_on?: string[];
  max_attempts?: number;
  timeout_s?: number;
  approval?: boolean;
  output_schema?: Record<string, unknown>;
}

export interface CreateGoalOptions {
  goal: string;
  context?: string;
  plan?: { tasks: PlanInput[] };
  /** Tasks already parsed from another format (markdown, LLM), with their template name. */
  parsed?: { template: TemplateName; tasks: PlanTask[] };
  dryRun?: boolean;
  actor: string;
  /** Issue 9: the goal pauses once its recorded usage passes this (lib/orchestration/budget.ts). */
  budget?: { max_cost_usd?: number | null; max_tokens?: number | null };
}

export interface CreatedSubtask extends PlanTask {
  id: string;
  dependencyIds: string[];
  status: "waiting" | "pending";
  criticalPathS: number;
}

export interface CreatedGoal {
  goalId: string | null;
  template: TemplateName;
  subtasks: CreatedSubtask[];
}

export function planFromInput(tasks: PlanInput[]): PlanTask[] {
  return tasks.map((t) => ({
    key: t.key,
    name: t.name,
    description: t.description ?? "",
    requiredSkills: [...new Set(t.required_skills ?? [])],
    priority: (t.priority ?? 2) as PriorityLevel,
    estimatedDurationS: t.estimated_duration_s ?? DEFAULT_ESTIMATE_S,
    dependsOn: t.depends_on ?? [],
    maxAttempts: t.max_attempts ?? DEFAULT_MAX_ATTEMPTS,
    timeoutS: t.timeout_s ?? DEFAULT_TIMEOUT_S,
    approval: t.approval ?? false,
    outputSchema: t.output_schema ?? null,
  }));
}

const SKILL_SEPARATOR = "\u001f";

export async function createGoal(options: CreateGoalOptions): Promise<CreatedGoal> {
  const decomposition = options.plan
    ? { template: "explicit" as const, tasks: planFromInput(options.plan.tasks) }
    : options.parsed ?? decomposeWithTemplates(options.goal, options.context);
  // A parsed plan came as markdown (an LLM's was checked before): errors name that field.
  const field = options.parsed ? "plan_markdown" : "plan.tasks";
  if (options.parsed) checkPlanLimits(options.parsed.tasks, field);
  const { tasks, criticalPathS } = validatePlan(decomposition.tasks, field);
  const ids = new Map(tasks.map((t) => [t.key, randomUUID()]));
  const subtasks: CreatedSubtask[] = tasks.map((t) => ({
    ...t,
    id: ids.get(t.key)!,
    dependencyIds: t.dependsOn.map((k) => ids.get(k)!),
    status: t.dependsOn.length === 0 ? "pending" : "waiting",
    criticalPathS: criticalPathS.get(t.key)!,
  }));
  if (options.dryRun) return { goalId: null, template: decomposition.template, subtasks };

  const goalId = randomUUID();
  await withEvents(async (tx, emit) => {
    const now = new Date();
    await tx.$executeRaw`
      INSERT INTO goals (id, goal, context, status, template, created_at)
      VALUES (${goalId}::uuid, ${options.goal}, ${options.context ?? null}, 'pending', ${decomposition.template}, ${now})`;
    if (options.budget) await setBudget(tx, goalId, options.budget);
    await tx.$executeRaw`
      INSERT INTO subtasks (id, goal_id, key, position, name, description, required_skills, priority,
        estimated_duration_s, critical_path_s, status, pending_deps, max_attempts, timeout_s, approval, output_schema, created_at, ready_at)
      SELECT t.id, ${goalId}::uuid, t.key, t.position, t.name, t.description,
        string_to_array(t.skills, ${SKILL_SEPARATOR}), t.priority, t.estimate, t.critical, t.status, t.deps,
        t.max_attempts, t.timeout_s, t.approval, t.output_schema, ${now}, CASE WHEN t.status = 'pending' THEN ${now}::timestamptz END
      FROM unnest(
        ${subtasks.map((s) => s.id)}::uuid[], ${subtasks.map((s) => s.key)}::text[], ${subtasks.map((_, i) => i)}::int[],
        ${subtasks.map((s) => s.name)}::text[], ${subtasks.map((s) => s.description)}::text[],
        ${subtasks.map((s) => s.requiredSkills.join(SKILL_SEPARATOR))}::text[], ${subtasks.map((s) => s.priority)}::smallint[],
        ${subtasks.map((s) => s.estimatedDurationS)}::int[], ${subtasks.map((s) => s.criticalPathS)}::int[],
        ${subtasks.map((s) => s.status)}::text[], ${subtasks.map((s) => s.dependencyIds.length)}::int[],
        ${subtasks.map((s) => s.maxAttempts)}::int[], ${subtasks.map((s) => s.timeoutS)}::int[],
        ${subtasks.map((s) => s.approval ?? false)}::boolean[],
        ${subtasks.map((s) => (s.outputSchema ? JSON.stringify(s.outputSchema) : null))}::jsonb[]
      ) AS t(id, key, position, name, description, skills, priority, estimate, critical, status, deps, max_attempts, timeout_s, approval, output_schema)`;
    const edges = subtasks.flatMap((s) => s.dependencyIds.map((d) => [s.id, d] as const));
    if (edges.length > 0) {
      await tx.$executeRaw`
        INSERT INTO subtask_dependencies (subtask_id, depends_on_id)
        SELECT * FROM unnest(${edges.map((e) => e[0])}::uuid[], ${edges.map((e) => e[1])}::uuid[])`;
    }
    emit({ type: "goal.created", actor: options.actor, goalId, data: { template: decomposition.template, tasks: subtasks.length, goal: options.goal.slice(0, 200) } });
  });
  // A big plan can change the table's make-up at once (a fresh table, or one of a few
  // hundred rows, receiving thousands): refresh the planner's statistics now rather than
  // at autovacuum's next pass, or the claim (lib/orchestration/ready.ts) is planned for a
  // handful of ready rows and sorts them all instead of reading its index in order.
  if (subtasks.length >= ANALYZE_AFTER_TASKS) await db().$executeRaw`ANALYZE subtasks`;
  return { goalId, template: decomposition.template, subtasks };
}

const ANALYZE_AFTER_TASKS = 1000;
