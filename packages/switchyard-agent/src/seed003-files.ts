// Seed 003's runtime layout for one goal (pure): the files `switchyard export` writes
// under .orchestrator/ — master_plan.md (the server renders it), agent_tasks/agent-XX.md
// (the agent task template), results/agent-XX-result.md (the agent result template),
// final_output.md. Agent-XX is the task's position in the plan (T-01 → agent-01).
import type { Assignment, GoalDetail, Subtask } from "switchyard-client";
import { renderTaskMarkdown } from "./task-markdown.js";

const FINISHED_TASK = new Set(["completed", "failed", "cancelled", "skipped"]);
const FINISHED_GOAL = new Set(["complete", "partial", "failed", "cancelled"]);

export const RESULT_STATUS: Record<string, string> = {
  completed: "✅ Success",
  failed: "❌ Failed",
  cancelled: "🚫 Cancelled",
  skipped: "⏭️ Skipped",
  running: "🔵 Running",
  pending: "🟡 Pending",
  waiting: "⏸️ Waiting",
  retrying: "🔄 Retrying",
};

export const agentLabel = (index: number) => `agent-${String(index + 1).padStart(2, "0")}`;
const title = (label: string) => `Agent-${label.slice("agent-".length)}`;

export function isGoalFinished(status: string): boolean {
  return FINISHED_GOAL.has(status);
}

/** The task as the agent would receive it: seed 003's task assignment, with its inputs' results so far. */
export function renderAgentTask(goal: GoalDetail, task: Subtask, index: number): string {
  const byId = new Map(goal.subtasks.map((s) => [s.uuid, s]));
  const assignment: Assignment = {
    subtask_uuid: task.uuid,
    goal_id: goal.id,
    agent_id: task.agent_id ?? "",
    attempt: Math.max(task.attempt, 1),
    key: task.key,
    name: task.name,
    description: task.description,
    required_skills: task.required_skills,
    priority: task.priority,
    timeout_s: task.timeout_s,
    deadline_at: task.deadline_at ?? "not started",
    goal: goal.goal,
    context: goal.context,
    inputs: task.dependencies
      .map((id) => byId.get(id))
      .filter((d): d is Subtask => !!d)
      .map((d) => ({ key: d.key, name: d.name, result: d.result })),
  };
  const md = renderTaskMarkdown(assignment).replace(/^# 🤖 .* Task Assignment$/m, `# 🤖 ${title(agentLabel(index))} Task Assignment`);
  return md.replace(
    "## Task Information\n",
    `## Task Information\n- **Agent**: ${title(agentLabel(index))}${task.agent_name ? ` (run by ${task.agent_name})` : ""}\n`,
  );
}

function seconds(from: string | null, to: string | null): string {
  if (!from || !to) return "-";
  return `${((Date.parse(to) - Date.parse(from)) / 1000).toFixed(1)}s`;
}

export function renderAgentResult(task: Subtask, index: number): string {
  const output = task.status === "completed" ? (task.result ?? "") : (task.error ?? task.result ?? "(no output)");
  return [
    `# 📤 ${title(agentLabel(index))} Execution Result`,
    "",
    "## Execution Summary",
    `- **Task ID**: ${task.key}`,
    `- **Task Name**: ${task.name}`,
    `- **Status**: ${RESULT_STATUS[task.status] ?? task.status}`,
    `- **Duration**: ${seconds(task.started_at, task.finished_at)}`,
    `- **Agent**: ${task.agent_name ?? "-"}`,
    "",
    task.status === "completed" ? "## Output" : "## Error",
    output,
    "",
    "## Statistics",
    "| Metric | Value |",
    "|--------|-------|",
    `| Attempts | ${task.attempt} |`,
    `| Failures | ${task.failures} |`,
    `| Output characters | ${output.length} |`,
    `| Started | ${task.started_at ?? "-"} |`,
    `| Finished | ${task.finished_at ?? "-"} |`,
    "",
  ].join("\n");
}

export function renderFinalOutput(goal: GoalDetail): string {
  const lines = [
    `# 🎯 Final Output`,
    "",
    `> ${goal.goal.split(/\r?\n/).join("\n> ")}`,
    "",
    `**Status**: ${goal.status} · ${goal.tasks.completed}/${goal.tasks.total} tasks completed · goal ${goal.id}`,
    "",
  ];
  if (goal.result) lines.push(goal.result.final_output, "");
  const failed = goal.subtasks.filter((s) => s.status === "failed" || s.status === "skipped" || s.status === "cancelled");
  if (failed.length) {
    lines.push("## Not completed", "| Task ID | Task Name | Status | Error |", "|---------|-----------|--------|-------|");
    for (const s of failed)
      lines.push(
        `| ${s.key} | ${s.name} | ${RESULT_STATUS[s.status] ?? s.status} | ${(s.error ?? "-").replace(/\|/g, "\\|").replace(/\r?\n/g, " ")} |`,
      );
    lines.push("");
  }
  return lines.join("\n");
}

/** Every file of the layout for the goal's current state: relative path → content. */
export function seed003Files(goal: GoalDetail, masterPlan: string): Map<string, string> {
  const files = new Map<string, string>([["master_plan.md", masterPlan]]);
  goal.subtasks.forEach((task, i) => {
    files.set(`agent_tasks/${agentLabel(i)}.md`, renderAgentTask(goal, task, i));
    if (FINISHED_TASK.has(task.status)) files.set(`results/${agentLabel(i)}-result.md`, renderAgentResult(task, i));
  });
  if (isGoalFinished(goal.status)) files.set("final_output.md", renderFinalOutput(goal));
  return files;
}
