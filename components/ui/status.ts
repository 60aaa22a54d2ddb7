// Colours and labels of every status the dashboard shows (full class names, so Tailwind
// finds them). Keyed by the domain's unions: a status added to lib/domain/statuses.ts
// without a colour here is a compile error.
import type { AgentStatus, AttemptOutcome, GoalStatus, SubtaskStatus } from "@/lib/domain";

export interface TaskStatusStyle {
  badge: string;
  node: string;
  dot: string;
  fill: string;
}

export const TASK_STATUS_STYLES: Record<SubtaskStatus, TaskStatusStyle> = {
  waiting: { badge: "bg-slate-100 text-slate-700 ring-slate-300", node: "border-slate-300 bg-white", dot: "bg-slate-400", fill: "#94a3b8" },
  pending: { badge: "bg-sky-100 text-sky-800 ring-sky-300", node: "border-sky-400 bg-sky-50", dot: "bg-sky-500", fill: "#0ea5e9" },
  running: {
    badge: "bg-amber-100 text-amber-900 ring-amber-400",
    node: "border-amber-500 bg-amber-50",
    dot: "bg-amber-500",
    fill: "#f59e0b",
  },
  completed: {
    badge: "bg-emerald-100 text-emerald-800 ring-emerald-300",
    node: "border-emerald-500 bg-emerald-50",
    dot: "bg-emerald-500",
    fill: "#10b981",
  },
  failed: { badge: "bg-red-100 text-red-800 ring-red-300", node: "border-red-500 bg-red-50", dot: "bg-red-500", fill: "#ef4444" },
  retrying: {
    badge: "bg-orange-100 text-orange-800 ring-orange-300",
    node: "border-orange-400 bg-orange-50",
    dot: "bg-orange-500",
    fill: "#f97316",
  },
  cancelled: { badge: "bg-zinc-200 text-zinc-700 ring-zinc-400", node: "border-zinc-400 bg-zinc-100", dot: "bg-zinc-500", fill: "#71717a" },
  skipped: {
    badge: "bg-stone-100 text-stone-600 ring-stone-300",
    node: "border-dashed border-stone-400 bg-stone-50",
    dot: "bg-stone-400",
    fill: "#a8a29e",
  },
  awaiting_approval: {
    badge: "bg-violet-100 text-violet-800 ring-violet-300",
    node: "border-violet-500 bg-violet-50",
    dot: "bg-violet-500",
    fill: "#8b5cf6",
  },
};

export const GOAL_STATUS_STYLES: Record<GoalStatus, string> = {
  pending: "bg-slate-100 text-slate-700 ring-slate-300",
  running: "bg-amber-100 text-amber-900 ring-amber-400",
  paused: "bg-indigo-100 text-indigo-800 ring-indigo-300",
  complete: "bg-emerald-100 text-emerald-800 ring-emerald-300",
  partial: "bg-yellow-100 text-yellow-800 ring-yellow-400",
  failed: "bg-red-100 text-red-800 ring-red-300",
  cancelled: "bg-zinc-200 text-zinc-700 ring-zinc-400",
};

export const AGENT_STATUS_STYLES: Record<AgentStatus, string> = {
  idle: "bg-emerald-100 text-emerald-800 ring-emerald-300",
  busy: "bg-amber-100 text-amber-900 ring-amber-400",
  draining: "bg-indigo-100 text-indigo-800 ring-indigo-300",
  offline: "bg-slate-200 text-slate-600 ring-slate-400",
};

export const ATTEMPT_OUTCOME_STYLES: Record<AttemptOutcome, string> = {
  running: "bg-amber-100 text-amber-900 ring-amber-400",
  completed: "bg-emerald-100 text-emerald-800 ring-emerald-300",
  failed: "bg-red-100 text-red-800 ring-red-300",
  timed_out: "bg-orange-100 text-orange-800 ring-orange-300",
  lost: "bg-slate-200 text-slate-600 ring-slate-400",
  superseded: "bg-stone-100 text-stone-600 ring-stone-300",
  cancelled: "bg-zinc-200 text-zinc-700 ring-zinc-400",
  rejected: "bg-rose-100 text-rose-800 ring-rose-300",
};

/** How a status reads on screen: the word, with underscores as spaces ("awaiting approval"). */
export function statusLabel(status: SubtaskStatus | GoalStatus | AgentStatus | AttemptOutcome): string {
  return status.replace(/_/g, " ");
}
