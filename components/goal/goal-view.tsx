"use client";
// The goal page: header with progress, timings and goal actions; the live DAG; the
// selected task's panel.
import Link from "next/link";
import { useState } from "react";
import { DagView } from "@/components/goal/dag-view";
import { TaskPanel } from "@/components/goal/task-panel";
import { AwaitingApprovalCount, PauseResumeButton } from "@/components/goal/goal-controls";
import { TaskTable } from "@/components/goal/task-table";
import { BudgetPaused, Elapsed, FinalOutput, GoalCost, Unroutable } from "@/components/goal/goal-story";
import { TimelineView } from "@/components/goal/timeline-view";
import { StatusBadge } from "@/components/ui/badge";
import { formatTime } from "@/components/ui/format";
import { ProgressBar } from "@/components/ui/progress-bar";
import { EmptyState, ErrorState, Loading } from "@/components/ui/states";
import { TASK_STATUS_STYLES } from "@/components/ui/status";
import { OPEN_SUBTASK_STATUSES, TERMINAL_SUBTASK_STATUSES, canTransition } from "@/lib/domain";
import { errorMessage } from "@/lib/ui/api";
import { useCancelGoal, useGoal, useHydrated } from "@/lib/ui/hooks";
import { useGoalLive } from "@/lib/ui/live-events";
import type { GoalWithTasks } from "@/lib/ui/types";

/** The legend's order: open states first, the way work flows, then the terminal ones. */
const STATUS_ORDER = [...OPEN_SUBTASK_STATUSES, ...TERMINAL_SUBTASK_STATUSES] as const;

/** The aggregated result's problem, when its strategy could not combine every result. */
function AggregationNote({ result }: { result: unknown }) {
  const error =
    result && typeof result === "object" && typeof (result as { error?: unknown }).error === "string"
      ? (result as { error: string }).error
      : null;
  if (!error) return null;
  return (
    <p role="status" data-testid="aggregation-error" className="mt-2 rounded-md bg-amber-50 px-3 py-2 text-xs text-amber-900">
      {error}
    </p>
  );
}

export function GoalView({ goalId, initialGoal }: { goalId: string; initialGoal?: GoalWithTasks }) {
  useGoalLive(goalId);
  const { goal, isLoading, error } = useGoal(goalId, initialGoal);
  const hydrated = useHydrated();
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [view, setView] = useState<"graph" | "timeline" | "both" | "table">("graph");
  const cancelGoal = useCancelGoal(goalId);

  // Rendered in the browser only: its times are in the browser's zone and locale.
  if (!hydrated || isLoading) return <Loading label="Loading the goal…" />;
  if (error || !goal) return <ErrorState error={error} title="Could not load this goal" />;
  const cancellable = canTransition("goal", "cancel", goal.status);

  return (
    <div className="flex h-[calc(100vh-7rem)] min-h-[520px] flex-col gap-4">
      <header className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
        <div className="flex flex-wrap items-start gap-3">
          <div className="min-w-0 flex-1">
            <p className="text-xs text-slate-500">
              <Link href="/" className="hover:underline">
                Goals
              </Link>{" "}
              / {goal.template} ·{" "}
              <span data-testid="goal-aggregation" title="How the results combine into the final output">
                aggregation {goal.aggregation}
              </span>
            </p>
            <h1 className="mt-0.5 break-words text-lg font-semibold" data-testid="goal-title">
              {goal.goal}
            </h1>
          </div>
          <StatusBadge kind="goal" status={goal.status} />
          <AwaitingApprovalCount count={goal.tasks.awaiting_approval} />
          <PauseResumeButton goal={goal} />
          <a
            href={`/api/goals/${goal.id}/plan.md`}
            download
            className="rounded-md border border-slate-300 px-3 py-1.5 text-xs font-medium hover:bg-slate-50"
          >
            Export plan
          </a>
          {confirming ? (
            <span className="flex gap-1">
              <button
                type="button"
                onClick={() => cancelGoal.mutate(undefined, { onSettled: () => setConfirming(false) })}
                className="rounded-md bg-red-600 px-3 py-1.5 text-xs font-medium text-white"
              >
                Confirm cancel goal
              </button>
              <button type="button" onClick={() => setConfirming(false)} className="rounded-md border border-slate-300 px-3 py-1.5 text-xs">
                Keep
              </button>
            </span>
          ) : (
            <button
              type="button"
              disabled={!cancellable || cancelGoal.isPending}
              onClick={() => setConfirming(true)}
              className="rounded-md border border-red-300 px-3 py-1.5 text-xs font-medium text-red-700 hover:bg-red-50 disabled:cursor-not-allowed disabled:opacity-40"
            >
              Cancel goal
            </button>
          )}
        </div>
        {cancelGoal.error && (
          <p role="alert" className="mt-2 rounded-md bg-red-50 px-3 py-2 text-xs text-red-800">
            {errorMessage(cancelGoal.error)}
          </p>
        )}
        <AggregationNote result={goal.result} />
        {goal.context && <p className="mt-1 line-clamp-2 whitespace-pre-wrap text-sm text-slate-600">{goal.context}</p>}
        <div className="mt-3 flex items-center gap-3">
          <ProgressBar value={goal.progress} counts={goal.tasks} label="Goal progress" />
          <span className="shrink-0 text-xs tabular-nums text-slate-600" data-testid="goal-progress">
            {Math.round(goal.progress * 100)}% finished · {goal.tasks.completed}/{goal.tasks.total} completed
          </span>
        </div>
        <div className="mt-2 flex flex-wrap items-center gap-x-4 gap-y-1 text-xs text-slate-600">
          <span>Created {formatTime(goal.created_at)}</span>
          <span>Started {formatTime(goal.started_at)}</span>
          <span>Finished {formatTime(goal.finished_at)}</span>
          <Elapsed startedAt={goal.started_at} finishedAt={goal.finished_at} ticking={goal.status === "running"} />
          <GoalCost goal={goal} />
          <span className="ml-auto flex flex-wrap gap-2" aria-label="Tasks by status">
            {STATUS_ORDER.filter((s) => goal.tasks[s] > 0).map((s) => (
              <span key={s} className="flex items-center gap-1">
                <span aria-hidden className={`h-2 w-2 rounded-full ${TASK_STATUS_STYLES[s]!.dot}`} />
                {s} {goal.tasks[s]}
              </span>
            ))}
          </span>
        </div>
        <Unroutable goal={goal} />
        <BudgetPaused goal={goal} />
      </header>
      <FinalOutput goal={goal} />
      <div className="flex min-h-0 flex-1 gap-4">
        <div className="flex min-w-0 flex-1 flex-col gap-2">
          <div className="flex gap-1 text-xs" role="group" aria-label="View">
            {(["graph", "timeline", "both", "table"] as const).map((v) => (
              <button
                key={v}
                type="button"
                aria-pressed={view === v}
                onClick={() => setView(v)}
                className={`rounded px-2.5 py-1 font-medium ${view === v ? "bg-slate-900 text-white" : "border border-slate-300 bg-white hover:bg-slate-50"}`}
              >
                {v === "graph" ? "Graph" : v === "timeline" ? "Timeline" : v === "both" ? "Both" : "Table"}
              </button>
            ))}
          </div>
          {view === "table" && goal.subtasks.length > 0 && (
            <div className="min-h-0 flex-1 overflow-hidden rounded-lg border border-slate-200 bg-white shadow-sm">
              <TaskTable goal={goal} onSelect={setSelectedId} />
            </div>
          )}
          {(view === "graph" || view === "both") && (
            <div className="relative min-h-0 flex-1 overflow-hidden rounded-lg border border-slate-200 bg-white shadow-sm">
              {!selectedId && goal.subtasks.length > 0 && (
                <p className="pointer-events-none absolute left-3 top-3 z-10 rounded bg-white/90 px-2 py-1 text-xs text-slate-500">
                  Click a task to inspect it, retry, reassign or cancel it.
                </p>
              )}
              {goal.subtasks.length === 0 ? (
                <EmptyState title="This goal has no tasks" />
              ) : (
                <DagView goal={goal} selectedId={selectedId} onSelect={setSelectedId} />
              )}
            </div>
          )}
          {(view === "timeline" || view === "both") && (
            <div className="min-h-0 flex-1 overflow-hidden rounded-lg border border-slate-200 bg-white shadow-sm">
              <TimelineView goalId={goal.id} running={goal.status === "running"} onSelect={setSelectedId} />
            </div>
          )}
        </div>
        {selectedId && (
          <div className="w-[380px] shrink-0">
            <TaskPanel goal={goal} taskId={selectedId} onSelect={setSelectedId} onClose={() => setSelectedId(null)} />
          </div>
        )}
      </div>
    </div>
  );
}
