// Pure DAG work on plans: validation (duplicate keys, dangling and self dependencies,
// cycles, each named in the error), topological order and remaining critical paths.
import { LIMITS } from "@/lib/orchestration/plan-schema";
import { SwitchyardError } from "@/lib/errors";
import type { PlanTask } from "@/lib/orchestration/types";

const MAX_CRITICAL_PATH_S = 2_147_483_647;

export interface ValidatedPlan {
  /** Tasks in a topological order (every task after all it depends on). */
  tasks: PlanTask[];
  /** Longest path in estimated seconds from each task (itself included) to the end of the DAG. */
  criticalPathS: Map<string, number>;
}

/**
 * The limits of the JSON plan schema (lib/orchestration/plan-schema.ts), for plans that arrive another
 * way (a markdown table, an LLM) and so never met that schema.
 */
export function checkPlanLimits(tasks: PlanTask[], fieldPrefix: string): void {
  const refuse = (message: string, field: string) => new SwitchyardError("validation_failed", message, { field });
  if (tasks.length > LIMITS.planTasks)
    throw refuse(`a plan has at most ${LIMITS.planTasks} tasks, this one has ${tasks.length}`, fieldPrefix);
  let edges = 0;
  const whole = (n: number, min: number, max: number) => Number.isInteger(n) && n >= min && n <= max;
  tasks.forEach((t, i) => {
    const field = (name: string) => `${fieldPrefix}[${i}].${name}`;
    if (t.name.length > LIMITS.nameChars)
      throw refuse(`task "${t.key}": the name is longer than ${LIMITS.nameChars} characters`, field("name"));
    if (t.description.length > LIMITS.descriptionChars)
      throw refuse(`task "${t.key}": the description is longer than ${LIMITS.descriptionChars} characters`, field("description"));
    if (t.requiredSkills.length > LIMITS.skills) throw refuse(`task "${t.key}": at most ${LIMITS.skills} skills`, field("required_skills"));
    const longSkill = t.requiredSkills.findIndex((s) => s.length > LIMITS.skillChars);
    if (longSkill >= 0)
      throw refuse(`task "${t.key}": a skill is at most ${LIMITS.skillChars} characters`, field(`required_skills[${longSkill}]`));
    if (t.dependsOn.length > LIMITS.dependencies)
      throw refuse(`task "${t.key}": at most ${LIMITS.dependencies} dependencies`, field("depends_on"));
    if (!whole(t.estimatedDurationS, 0, LIMITS.estimatedDurationS))
      throw refuse(`task "${t.key}": the estimate must be 0..${LIMITS.estimatedDurationS} seconds`, field("estimated_duration_s"));
    if (!whole(t.timeoutS, 1, LIMITS.timeoutS))
      throw refuse(`task "${t.key}": the timeout must be 1..${LIMITS.timeoutS} seconds`, field("timeout_s"));
    if (!whole(t.maxAttempts, 1, LIMITS.maxAttempts))
      throw refuse(`task "${t.key}": max attempts must be 1..${LIMITS.maxAttempts}`, field("max_attempts"));
    edges += t.dependsOn.length;
  });
  if (edges > LIMITS.planEdges) throw refuse(`a plan has at most ${LIMITS.planEdges} dependencies in all`, fieldPrefix);
}

export function validatePlan(tasks: PlanTask[], fieldPrefix = "plan.tasks"): ValidatedPlan {
  const index = new Map<string, number>();
  tasks.forEach((task, i) => {
    if (index.has(task.key)) {
      throw new SwitchyardError("validation_failed", `duplicate task key "${task.key}"`, { field: `${fieldPrefix}[${i}].key` });
    }
    index.set(task.key, i);
  });
  tasks.forEach((task, i) => {
    const seen = new Set<string>();
    task.dependsOn.forEach((dep, j) => {
      const field = `${fieldPrefix}[${i}].depends_on[${j}]`;
      if (dep === task.key) throw new SwitchyardError("validation_failed", `task "${task.key}" depends on itself`, { field });
      if (!index.has(dep)) throw new SwitchyardError("validation_failed", `task "${task.key}" depends on unknown task "${dep}"`, { field });
      if (seen.has(dep)) throw new SwitchyardError("validation_failed", `task "${task.key}" lists dependency "${dep}" twice`, { field });
      seen.add(dep);
    });
  });

  // Kahn's algorithm; whatever is left over sits on or behind a cycle.
  const indegree = tasks.map((t) => t.dependsOn.length);
  const dependents: number[][] = tasks.map(() => []);
  tasks.forEach((t, i) => t.dependsOn.forEach((d) => dependents[index.get(d)!]!.push(i)));
  const queue: number[] = [];
  indegree.forEach((d, i) => d === 0 && queue.push(i));
  const order: number[] = [];
  for (let head = 0; head < queue.length; head++) {
    const i = queue[head]!;
    order.push(i);
    for (const j of dependents[i]!) if (--indegree[j]! === 0) queue.push(j);
  }
  if (order.length < tasks.length) {
    const cycle = findCycle(tasks, index, indegree);
    throw new SwitchyardError("validation_failed", `dependency cycle: ${cycle.join(" → ")}`, {
      field: `${fieldPrefix}[${index.get(cycle[0]!)}].depends_on`,
    });
  }

  const criticalPathS = new Map<string, number>();
  for (let k = order.length - 1; k >= 0; k--) {
    const i = order[k]!;
    let longest = 0;
    for (const j of dependents[i]!) longest = Math.max(longest, criticalPathS.get(tasks[j]!.key)!);
    // Capped to the int4 column it is stored in (a long chain of year-long estimates overflows it).
    criticalPathS.set(tasks[i]!.key, Math.min(MAX_CRITICAL_PATH_S, tasks[i]!.estimatedDurationS + longest));
  }
  return { tasks: order.map((i) => tasks[i]!), criticalPathS };
}

/** A cycle among the tasks Kahn's algorithm could not order, as keys, first key repeated last. */
function findCycle(tasks: PlanTask[], index: Map<string, number>, indegree: number[]): string[] {
  const stuck = new Set(indegree.flatMap((d, i) => (d > 0 ? [i] : [])));
  // Walk backwards along dependencies that are themselves stuck; in a finite set we must revisit.
  let current = [...stuck][0]!;
  const visitedAt = new Map<number, number>();
  const path: number[] = [];
  while (!visitedAt.has(current)) {
    visitedAt.set(current, path.length);
    path.push(current);
    const next = tasks[current]!.dependsOn.map((d) => index.get(d)!).find((j) => stuck.has(j));
    current = next!;
  }
  const cycle = path.slice(visitedAt.get(current)!).reverse();
  return [...cycle, cycle[0]!].map((i) => tasks[i]!.key);
}
