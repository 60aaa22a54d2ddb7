// Decomposes a goal (template, explicit JSON plan, markdown plan or LLM) and persists the
// goal with its subtasks and dependency edges in one transaction.
import { randomUUID } from "node:crypto";
import { checkPlanLimits, validatePlan } from "@/lib/orchestration/dag";
import { decomposeWithTemplates, type TemplateName } from "@/lib/orchestration/templates";
import { DEFAULT_ESTIMATE_S, DEFAULT_MAX_ATTEMPTS, DEFAULT_TIMEOUT_S, type PlanTask, type PriorityLevel } from "@/lib/orchestration/types";
import { setBudget } from "@/lib/orchestration/budget";
import { insertDependencies, insertSubtasks } from "@/lib/orchestration/insert-plan";
import { withEvents } from "@/lib/events/record";
import { SwitchyardError } from "@/lib/errors";
import {
  AGGREGATE_TASK_KEY,
  AGGREGATION_SKILL,
  PLANNING_SKILL,
  PLANNING_TASK_KEY,
  type AggregationStrategy,
  type Planner,
  type SubtaskKind,
} from "@/lib/domain";
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
  /** How the results combine (default concat); "agent" adds an aggregate task after every sink. */
  aggregation?: AggregationStrategy;
  /** "agent": the goal starts as one planning task whose agent answers with a spawn. */
  planner?: Planner;
  /** Issue 9: the goal pauses once its recorded usage passes this (lib/orchestration/budget.ts). */
  budget?: { max_cost_usd?: number | null; max_tokens?: number | null };
}

export interface CreatedSubtask extends PlanTask {
  id: string;
  dependencyIds: string[];
  status: "waiting" | "pending";
  criticalPathS: number;
  kind: SubtaskKind;
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

/** The planning task of a goal an agent decomposes (planner "agent"). */
export function planningTask(goal: string): PlanTask {
  return {
    key: PLANNING_TASK_KEY,
    name: "Plan the goal",
    description: [
      `Decompose this goal into a plan of subtasks: ${goal}`,
      "",
      'Complete this task with a spawn: {"tasks": [{"key", "name", "description", "required_skills", "depends_on": [keys]}]}.',
      "With switchyard-agent, write that JSON to the file named in $SWITCHYARD_SPAWN_FILE; stdout becomes this task's result.",
    ].join("\n"),
    requiredSkills: [PLANNING_SKILL],
    priority: 0,
    estimatedDurationS: DEFAULT_ESTIMATE_S,
    dependsOn: [],
    maxAttempts: DEFAULT_MAX_ATTEMPTS,
    timeoutS: DEFAULT_TIMEOUT_S,
  };
}

/** The aggregate task (aggregation "agent"): after every sink, given every result as inputs. */
function aggregateTask(sinks: string[]): PlanTask {
  return {
    key: AGGREGATE_TASK_KEY,
    name: "Aggregate the results",
    description: "Combine the results of every task of this goal (your inputs) into the goal's final output.",
    requiredSkills: [AGGREGATION_SKILL],
    priority: 1,
    estimatedDurationS: DEFAULT_ESTIMATE_S,
    dependsOn: sinks,
    maxAttempts: DEFAULT_MAX_ATTEMPTS,
    timeoutS: DEFAULT_TIMEOUT_S,
  };
}

export async function createGoal(options: CreateGoalOptions): Promise<CreatedGoal> {
  const byAgent = options.planner === "agent";
  if (byAgent && (options.plan || options.parsed)) {
    throw new SwitchyardError("validation_failed", 'planner "agent" plans the goal itself: send no plan or plan_markdown with it', {
      field: "planner",
    });
  }
  const decomposition = byAgent
    ? { template: "agent" as const, tasks: [planningTask(options.goal)] }
    : options.plan
      ? { template: "explicit" as const, tasks: planFromInput(options.plan.tasks) }
      : (options.parsed ?? decomposeWithTemplates(options.goal, options.context));
  // A parsed plan came as markdown (an LLM's was checked before): errors name that field.
  const field = options.parsed ? "plan_markdown" : "plan.tasks";
  if (options.parsed) checkPlanLimits(options.parsed.tasks, field);
  const kinds = new Map<string, SubtaskKind>(byAgent ? [[PLANNING_TASK_KEY, "planning"]] : []);
  let planned = decomposition.tasks;
  if (options.aggregation === "agent") {
    if (planned.some((t) => t.key === AGGREGATE_TASK_KEY)) {
      throw new SwitchyardError("validation_failed", `aggregation "agent" adds a task "${AGGREGATE_TASK_KEY}": the plan already has one`, {
        field: "aggregation",
      });
    }
    const hasDependents = new Set(planned.flatMap((t) => t.dependsOn));
    planned = [...planned, aggregateTask(planned.filter((t) => !hasDependents.has(t.key)).map((t) => t.key))];
    kinds.set(AGGREGATE_TASK_KEY, "aggregate");
  }
  const { tasks, criticalPathS } = validatePlan(planned, field);
  const ids = new Map(tasks.map((t) => [t.key, randomUUID()]));
  const subtasks: CreatedSubtask[] = tasks.map((t) => ({
    ...t,
    id: ids.get(t.key)!,
    dependencyIds: t.dependsOn.map((k) => ids.get(k)!),
    status: t.dependsOn.length === 0 ? "pending" : "waiting",
    criticalPathS: criticalPathS.get(t.key)!,
    kind: kinds.get(t.key) ?? "task",
  }));
  if (options.dryRun) return { goalId: null, template: decomposition.template, subtasks };

  const goalId = randomUUID();
  await withEvents(async (tx, emit) => {
    const now = new Date();
    await tx.$executeRaw`
      INSERT INTO goals (id, goal, context, status, template, aggregation_strategy, created_at)
      VALUES (${goalId}::uuid, ${options.goal}, ${options.context ?? null}, 'pending', ${decomposition.template}, ${options.aggregation ?? "concat"}, ${now})`;
    if (options.budget) await setBudget(tx, goalId, options.budget);
    await insertSubtasks(
      tx,
      goalId,
      subtasks.map((s, position) => ({
        id: s.id,
        key: s.key,
        position,
        task: s,
        status: s.status,
        pendingDeps: s.dependencyIds.length,
        criticalPathS: s.criticalPathS,
        kind: s.kind,
      })),
      { now },
    );
    await insertDependencies(
      tx,
      subtasks.flatMap((s) => s.dependencyIds.map((d) => [s.id, d] as const)),
    );
    emit({
      type: "goal.created",
      actor: options.actor,
      goalId,
      data: {
        template: decomposition.template,
        tasks: subtasks.length,
        goal: options.goal.slice(0, 200),
        aggregation: options.aggregation ?? "concat",
      },
    });
  });
  // A big plan into a small table (a fresh one, or one of a few hundred rows) changes its
  // make-up at once: refresh the planner's statistics now rather than at autovacuum's
  // next pass, or the claim (lib/orchestration/ready.ts) is planned for a handful of ready
  // rows and sorts them all instead of reading its index in order, and the dependency
  // reads (a pull's inputs) guess hundreds of edges per task and hash both tables
  // (5 ms instead of 0.2 ms per pull in the 100×100 DAG). Rare: only while the table the
  // planner knows of is smaller than this plan.
  if (subtasks.length >= ANALYZE_AFTER_TASKS) {
    const known = await db().$queryRaw<
      Array<{ rows: number }>
    >`SELECT reltuples::float8 AS rows FROM pg_class WHERE oid = 'subtasks'::regclass`;
    if ((known[0]?.rows ?? 0) < subtasks.length) await db().$executeRaw`ANALYZE subtasks, subtask_dependencies`;
  }
  return { goalId, template: decomposition.template, subtasks };
}

const ANALYZE_AFTER_TASKS = 1000;
