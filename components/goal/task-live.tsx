"use client";
// Issue 9 in the task panel: the running attempt's progress and message, the task's
// usage, and its output (live while it runs, stored for a finished attempt).
import { LiveOutput } from "@/components/goal/live-output";
import { formatCost, formatTokens } from "@/components/ui/format-usage";
import { useLiveProgress } from "@/lib/ui/progress-hooks";
import type { TaskDetail } from "@/lib/ui/types";

export function TaskLive({
  task,
  detail,
}: {
  task: { uuid: string; status: string; attempt: number; progress?: number | null; message?: string | null };
  detail: TaskDetail | undefined;
}) {
  const live = useLiveProgress(task.uuid);
  const current = live && live.attempt === task.attempt ? live : undefined;
  const running = task.status === "running";
  const progress = current?.progress ?? task.progress ?? null;
  const message = current?.message ?? task.message ?? null;
  const usage = detail?.usage;
  return (
    <div className="space-y-3">
      {running && (
        <div data-testid="task-progress">
          <div className="flex items-center gap-2">
            <div
              role="progressbar"
              aria-label="Task progress"
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={progress === null ? undefined : Math.round(progress * 100)}
              className="h-2 flex-1 overflow-hidden rounded-full bg-slate-200"
            >
              <div
                className={`h-full rounded-full bg-sky-500 transition-[width] duration-300 ${progress === null ? "w-1/3 animate-pulse" : ""}`}
                style={progress === null ? undefined : { width: `${Math.round(progress * 100)}%` }}
              />
            </div>
            <span className="w-10 text-right text-xs tabular-nums text-slate-600">
              {progress === null ? "–" : `${Math.round(progress * 100)}%`}
            </span>
          </div>
          {message && (
            <p data-testid="task-progress-message" className="mt-1 truncate text-xs text-slate-600" title={message}>
              {message}
            </p>
          )}
        </div>
      )}
      {usage && (usage.input_tokens > 0 || usage.output_tokens > 0 || usage.cost_usd > 0) && (
        <div>
          <h3 className="text-[11px] font-medium uppercase tracking-wide text-slate-500">Usage</h3>
          <p data-testid="task-usage" className="mt-0.5 text-sm text-slate-800">
            {formatCost(usage.cost_usd)} · {formatTokens(usage.input_tokens)} in / {formatTokens(usage.output_tokens)} out
            {usage.model ? ` · ${usage.model}` : ""}
          </p>
        </div>
      )}
      {task.attempt > 0 && (
        <div>
          <h3 className="text-[11px] font-medium uppercase tracking-wide text-slate-500">
            Output{task.attempt > 1 ? ` (attempt ${task.attempt})` : ""}
          </h3>
          <div className="mt-1">
            <LiveOutput taskId={task.uuid} attempt={task.attempt} running={running} />
          </div>
        </div>
      )}
    </div>
  );
}
