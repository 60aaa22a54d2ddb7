// Seed 003's "Agent Task Assignment" template for one assignment (pure), so a CLI LLM agent
// (`--stdin markdown`, e.g. `claude -p "$(cat)"`) reads a prompt rather than JSON.
import type { Assignment } from "switchyard-client";

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");

export function renderTaskMarkdown(a: Assignment): string {
  const priority = { CRITICAL: "P0", HIGH: "P1", MEDIUM: "P2", LOW: "P3" }[a.priority] ?? a.priority;
  const lines = [
    `# 🤖 ${a.key} Task Assignment`,
    "",
    "## Task Information",
    `- **Task ID**: ${a.key}`,
    `- **Task Name**: ${a.name}`,
    `- **Priority**: ${priority} (${a.priority})`,
    `- **Attempt**: ${a.attempt}`,
    `- **Time limit**: ${a.timeout_s} s (until ${a.deadline_at})`,
    a.required_skills.length ? `- **Skills**: ${a.required_skills.join(", ")}` : null,
    "",
    "## Overall Goal",
    a.goal,
    a.context ? `\n### Context\n${a.context}` : null,
    "",
    "## Input",
  ];
  if (a.inputs.length === 0) lines.push("None: this task does not depend on another.");
  else {
    lines.push("| Parameter | Type | Source | Value |", "|-----------|------|--------|-------|");
    for (const input of a.inputs) lines.push(`| ${cell(input.name)} | result | ${input.key} | see below |`);
    for (const input of a.inputs) lines.push("", `### Result of ${input.key}: ${input.name}`, input.result ?? "(no result)");
  }
  const previous = a.previous_attempt;
  if (previous) {
    lines.push("", `## Previous Attempt (${previous.number}, ${previous.outcome.replace(/_/g, " ")})`);
    if (previous.feedback) lines.push("", "### Feedback from the operator", previous.feedback);
    if (previous.error) lines.push("", "### Why it did not stand", previous.error);
    if (previous.result !== null) lines.push("", "### Its result", previous.result);
  }
  lines.push(
    "",
    "## Task Description",
    a.description || a.name,
    "",
    "## Expected Output",
    "Write the result of this task to standard output: it is passed on to the tasks that depend on this one and into the final report.",
    "",
    "## Constraints",
    `- Finish within ${a.timeout_s} seconds.`,
    "- Do only this task; other agents handle the other tasks of the goal.",
    "- If you cannot complete it, exit with a non-zero status and explain why on standard error.",
    "",
  );
  return lines.filter((l) => l !== null).join("\n");
}
