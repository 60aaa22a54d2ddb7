// API shapes of domain results that are not read models.
import type { Assignment } from "@/lib/orchestration/assign-tasks";
import type { CreatedGoal } from "@/lib/orchestration/create-goal";
import { priorityName } from "@/lib/orchestration/types";

export function presentAssignment(a: Assignment) {
  return {
    subtask_uuid: a.subtaskId,
    goal_id: a.goalId,
    agent_id: a.agentId,
    attempt: a.attempt,
    key: a.key,
    name: a.name,
    description: a.description,
    required_skills: a.requiredSkills,
    priority: priorityName(a.priority),
    timeout_s: a.timeoutS,
    deadline_at: a.deadlineAt,
    goal: a.goal,
    context: a.context,
    inputs: a.inputs,
    /** The previous attempt when it did not stand (rejected, failed, timed out): result, error, feedback. */
    previous_attempt: a.previousAttempt,
    /** The operator's feedback on the rejected previous attempt, or null. */
    feedback: a.previousAttempt?.feedback ?? null,
  };
}

export type AssignmentView = ReturnType<typeof presentAssignment>;

export function presentCreatedGoal(g: CreatedGoal) {
  return {
    goal_id: g.goalId,
    template: g.template,
    subtasks: g.subtasks.map((s) => ({
      uuid: s.id,
      key: s.key,
      name: s.name,
      description: s.description,
      priority: priorityName(s.priority),
      required_skills: s.requiredSkills,
      estimated_duration_s: s.estimatedDurationS,
      critical_path_s: s.criticalPathS,
      max_attempts: s.maxAttempts,
      timeout_s: s.timeoutS,
      dependencies: s.dependencyIds,
      depends_on: s.dependsOn,
      status: s.status,
      approval: s.approval ?? false,
      output_schema: s.outputSchema ?? null,
    })),
  };
}
