// Combining a finished goal's results (pure): outputs in dependency (topological) order,
// the final output from the tasks nothing depends on, and seed 002's summary.
import type { SubtaskStatus, TerminalGoalStatus } from "@/lib/domain";

export interface FinishedTask {
  id: string;
  key: string;
  name: string;
  status: SubtaskStatus;
  result: string | null;
  error: string | null;
  agentName: string | null;
  isSink: boolean;
}

export interface AggregatedResult {
  strategy: "concat";
  status: TerminalGoalStatus;
  steps_completed: number;
  steps_failed: number;
  steps_skipped: number;
  steps_cancelled: number;
  outputs: Array<{ key: string; name: string; status: SubtaskStatus; result: string | null; error: string | null; agent: string | null }>;
  /** The text a person reads: each sink's result (or every result when no sink completed). */
  final_output: string;
}

export function goalOutcome(statuses: readonly SubtaskStatus[], cancelled: boolean): TerminalGoalStatus {
  if (cancelled) return "cancelled";
  const completed = statuses.filter((s) => s === "completed").length;
  if (completed === statuses.length) return "complete";
  return completed > 0 ? "partial" : "failed";
}

/** `tasks` must be in topological order (their stored position). */
export function aggregateResults(tasks: FinishedTask[], cancelled = false): AggregatedResult {
  const count = (s: string) => tasks.filter((t) => t.status === s).length;
  const done = tasks.filter((t) => t.status === "completed");
  const sinks = done.filter((t) => t.isSink);
  const finalSources = sinks.length > 0 ? sinks : done;
  return {
    strategy: "concat",
    status: goalOutcome(tasks.map((t) => t.status), cancelled),
    steps_completed: done.length,
    steps_failed: count("failed"),
    steps_skipped: count("skipped"),
    steps_cancelled: count("cancelled"),
    outputs: tasks.map((t) => ({ key: t.key, name: t.name, status: t.status, result: t.result, error: t.error, agent: t.agentName })),
    final_output: finalSources.map((t) => (finalSources.length > 1 ? `## ${t.key} ${t.name}\n${t.result ?? ""}` : t.result ?? "")).join("\n\n"),
  };
}
