// Seed 003's markdown master plan, both ways (pure):
// - parseMarkdownPlan: the "Task Decomposition" table (Task ID | Task Name | Description |
//   Dependencies | Priority [| Skills | Estimate | Timeout | Max Attempts]) → plan tasks;
// - renderMasterPlan: a goal and its tasks → the master plan with the Agent Assignment
//   table and status icons. What one renders, the other reads back into the same DAG.
import { SwitchyardError } from "@/lib/errors";
import {
  DEFAULT_ESTIMATE_S,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_TIMEOUT_S,
  PRIORITY_NAMES,
  type PlanTask,
  type PriorityLevel,
} from "@/lib/orchestration/types";

export const STATUS_ICONS: Record<string, string> = {
  pending: "🟡 Pending",
  running: "🔵 Running",
  completed: "✅ Completed",
  failed: "❌ Failed",
  waiting: "⏸️ Waiting",
  retrying: "🔄 Retrying",
  cancelled: "🚫 Cancelled",
  skipped: "⏭️ Skipped",
};

export interface ParsedMarkdownPlan {
  /** The quoted text under "## Original Request", when present. */
  request: string | null;
  tasks: PlanTask[];
}

type Column = "key" | "name" | "description" | "dependencies" | "priority" | "skills" | "estimate" | "timeout" | "maxAttempts";

const HEADERS: Array<[RegExp, Column]> = [
  [/^(task\s*)?id$/, "key"],
  [/^(task\s*)?name$|^title$/, "name"],
  [/^description$|^task$|^instruction$/, "description"],
  [/^(dependencies|depends\s*on|deps)$/, "dependencies"],
  [/^priority$/, "priority"],
  [/^(required\s*)?skills?$/, "skills"],
  [/^estimate(d)?(\s*(time|duration))?(\s*\(s\))?$/, "estimate"],
  [/^timeout(\s*\(s\))?$/, "timeout"],
  [/^max\s*attempts$|^retries$/, "maxAttempts"],
];

const KEY_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
const SKILL_PATTERN = /^[\p{L}\p{N}_.:+#/-]{1,64}$/u;

function planError(message: string, line?: number): SwitchyardError {
  return new SwitchyardError("validation_failed", `plan_markdown${line ? ` line ${line}` : ""}: ${message}`, { field: "plan_markdown" });
}

/** Splits a table row on unescaped pipes; `\|` stays a literal pipe, `<br>` a newline. */
export function splitRow(line: string): string[] {
  let text = line.trim();
  if (text.startsWith("|")) text = text.slice(1);
  if (text.endsWith("|") && !text.endsWith("\\|")) text = text.slice(0, -1);
  const cells: string[] = [];
  let current = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "\\" && text[i + 1] === "|") {
      current += "|";
      i++;
    } else if (c === "|") {
      cells.push(current);
      current = "";
    } else current += c;
  }
  cells.push(current);
  return cells.map((c) => c.trim().replace(/<br\s*\/?>/gi, "\n"));
}

export function escapeCell(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>");
}

function unescapeBackslashes(value: string): string {
  return value.replace(/\\\\/g, "\\");
}

const isSeparator = (line: string) => /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/.test(line);

function parsePriority(cell: string, line: number): PriorityLevel {
  const text = cell.trim().toUpperCase();
  if (text === "" || text === "-") return 2;
  const p = /^P([0-3])\b/.exec(text);
  if (p) return Number(p[1]) as PriorityLevel;
  const byName = PRIORITY_NAMES.findIndex((n) => text.startsWith(n));
  if (byName >= 0) return byName as PriorityLevel;
  if (/^[0-3]$/.test(text)) return Number(text) as PriorityLevel;
  throw planError(`priority "${cell}" is not P0..P3 or CRITICAL, HIGH, MEDIUM, LOW`, line);
}

function parseList(cell: string): string[] {
  const text = cell.trim();
  if (/^(none|-|—|n\/a)?$/i.test(text)) return [];
  return text
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

function parseSeconds(cell: string | undefined, fallback: number, what: string, line: number): number {
  const text = (cell ?? "").trim();
  if (text === "" || text === "-") return fallback;
  const m = /^(\d+(?:\.\d+)?)\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?)?$/i.exec(text);
  if (!m) throw planError(`${what} "${cell}" is not a duration like 90, 90s, 5 min or 2h`, line);
  const n = Number(m[1]);
  const unit = (m[2] ?? "s").toLowerCase();
  return Math.round(unit.startsWith("h") ? n * 3600 : unit.startsWith("m") ? n * 60 : n);
}

export function parseMarkdownPlan(markdown: string): ParsedMarkdownPlan {
  const lines = markdown.split(/\r?\n/);
  let request: string | null = null;
  const requestAt = lines.findIndex((l) => /^#{1,6}\s*original request\s*$/i.test(l.trim()));
  if (requestAt >= 0) {
    const quoted: string[] = [];
    for (let i = requestAt + 1; i < lines.length; i++) {
      const l = lines[i]!;
      if (/^\s*>/.test(l)) quoted.push(l.replace(/^\s*>\s?/, ""));
      else if (quoted.length > 0 || /^\s*#/.test(l)) break;
    }
    request = quoted.join("\n").trim() || null;
  }

  // The task table: the first table whose header has a task id and dependencies.
  let headerAt = -1;
  let columns: Array<Column | null> = [];
  for (let i = 0; i + 1 < lines.length; i++) {
    if (!lines[i]!.includes("|") || !isSeparator(lines[i + 1]!)) continue;
    const names = splitRow(lines[i]!).map((h) => h.toLowerCase().replace(/[*_`]/g, "").trim());
    const mapped = names.map((h) => HEADERS.find(([re]) => re.test(h))?.[1] ?? null);
    if (mapped.includes("key") && mapped.includes("dependencies")) {
      headerAt = i;
      columns = mapped;
      break;
    }
  }
  if (headerAt < 0) throw planError('no task table found: it needs a header row with "Task ID" and "Dependencies" columns');
  if (!columns.includes("name") && !columns.includes("description"))
    throw planError('the task table needs a "Task Name" or a "Description" column', headerAt + 1);

  const tasks: PlanTask[] = [];
  for (let i = headerAt + 2; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.trim().startsWith("|") && !line.includes("|")) break;
    const lineNo = i + 1;
    const cells = splitRow(line).map(unescapeBackslashes);
    const get = (c: Column) => {
      const at = columns.indexOf(c);
      return at >= 0 ? cells[at] : undefined;
    };
    const key = (get("key") ?? "").replace(/[*`]/g, "").trim();
    if (!KEY_PATTERN.test(key)) throw planError(`task id "${key}" must be 1-64 letters, digits, _ . or -`, lineNo);
    const description = get("description") ?? "";
    const name = (get("name") ?? "").trim() || description.split("\n")[0]!.slice(0, 200).trim();
    if (!name) throw planError(`task "${key}" has no name`, lineNo);
    const skills = parseList(get("skills") ?? "");
    const badSkill = skills.find((s) => !SKILL_PATTERN.test(s));
    if (badSkill) throw planError(`task "${key}": skill "${badSkill}" is letters, digits and _ . : + # / - only`, lineNo);
    const maxAttemptsCell = (get("maxAttempts") ?? "").trim();
    const maxAttempts = maxAttemptsCell === "" || maxAttemptsCell === "-" ? DEFAULT_MAX_ATTEMPTS : Number(maxAttemptsCell);
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 100)
      throw planError(`task "${key}": max attempts "${maxAttemptsCell}" is not a whole number 1..100`, lineNo);
    tasks.push({
      key,
      name,
      description,
      requiredSkills: [...new Set(skills)],
      priority: parsePriority(get("priority") ?? "", lineNo),
      estimatedDurationS: parseSeconds(get("estimate"), DEFAULT_ESTIMATE_S, "estimate", lineNo),
      dependsOn: parseList(get("dependencies") ?? ""),
      maxAttempts,
      timeoutS: Math.max(1, parseSeconds(get("timeout"), DEFAULT_TIMEOUT_S, "timeout", lineNo)),
    });
  }
  if (tasks.length === 0) throw planError("the task table has no rows", headerAt + 1);
  return { request, tasks };
}

export interface MasterPlanTask {
  key: string;
  name: string;
  description: string;
  requiredSkills: string[];
  priority: number;
  estimatedDurationS: number;
  timeoutS: number;
  maxAttempts: number;
  dependsOn: string[];
  status: string;
  agentName: string | null;
  attempt: number;
  startedAt: Date | null;
  finishedAt: Date | null;
  nextAttemptAt: Date | null;
}

export interface MasterPlanGoal {
  id: string;
  goal: string;
  context: string | null;
  status: string;
  template: string;
  createdAt: Date;
  finishedAt: Date | null;
  finalOutput: string | null;
}

const time = (d: Date | null) => (d ? d.toISOString().replace(/\.\d{3}Z$/, "Z") : "-");

export function renderMasterPlan(goal: MasterPlanGoal, tasks: MasterPlanTask[]): string {
  const quote = (text: string) =>
    text
      .split(/\r?\n/)
      .map((l) => `> ${l}`)
      .join("\n");
  const done = tasks.filter((t) => t.status === "completed").length;
  const out: string[] = [
    "# 🎯 Distributed Task Plan",
    "",
    "## Original Request",
    quote(goal.goal),
    "",
    "## Goal Definition",
    `**Primary Goal**: ${goal.goal.split(/\r?\n/)[0]}`,
    `**Success Criteria**: all ${tasks.length} tasks completed (${done}/${tasks.length} so far)`,
    `**Status**: ${goal.status} · goal ${goal.id} · template ${goal.template} · created ${time(goal.createdAt)}`,
  ];
  if (goal.context) out.push("", "### Context", quote(goal.context));
  out.push(
    "",
    "## Task Decomposition",
    "| Task ID | Task Name | Description | Dependencies | Priority | Skills | Estimate | Timeout | Max Attempts |",
    "|---------|-----------|-------------|--------------|----------|--------|----------|---------|--------------|",
  );
  for (const t of tasks) {
    const priority = `P${t.priority} (${PRIORITY_NAMES[t.priority] ?? "MEDIUM"})`;
    out.push(
      `| ${[t.key, t.name, t.description, t.dependsOn.length ? t.dependsOn.join(",") : "None", priority, t.requiredSkills.join(",") || "-", `${t.estimatedDurationS}s`, `${t.timeoutS}s`, String(t.maxAttempts)].map(escapeCell).join(" | ")} |`,
    );
  }
  out.push(
    "",
    "## Agent Assignment",
    "| Task ID | Agent | Status | Attempt | Start Time | End Time |",
    "|---------|-------|--------|---------|------------|----------|",
  );
  for (const t of tasks) {
    let status = STATUS_ICONS[t.status] ?? t.status;
    if (t.status === "retrying" && t.nextAttemptAt) status += ` (next try ${time(t.nextAttemptAt)})`;
    out.push(
      `| ${[t.key, t.agentName ?? "-", status, `${t.attempt}/${t.maxAttempts}`, time(t.startedAt), time(t.finishedAt)].map(escapeCell).join(" | ")} |`,
    );
  }
  if (goal.finalOutput) out.push("", "## Final Output", goal.finalOutput);
  out.push("");
  return out.join("\n");
}
