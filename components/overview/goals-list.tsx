"use client";
import Link from "next/link";
import { StatusBadge } from "@/components/ui/badge";
import { formatDuration } from "@/components/ui/format";
import { ProgressBar } from "@/components/ui/progress-bar";
import { EmptyState, ErrorState, Loading } from "@/components/ui/states";
import { useGoals } from "@/lib/ui/hooks";

export function GoalsList() {
  const { goals, isLoading, error } = useGoals();
  if (isLoading) return <Loading label="Loading goals…" />;
  if (error) return <ErrorState error={error} title="Could not load the goals" />;
  if (goals.length === 0) return <EmptyState title="No goals yet">Submit one with the form to see it here.</EmptyState>;
  return (
    <ul aria-label="Goals" className="divide-y divide-slate-100">
      {goals.map((g) => {
        const done = g.tasks.completed;
        return (
          <li key={g.id} data-testid="goal-row" data-goal-id={g.id}>
            <Link href={`/goals/${g.id}`} className="block rounded-md px-2 py-3 hover:bg-slate-50">
              <div className="flex items-center gap-3">
                <span className="min-w-0 flex-1 truncate text-sm font-medium text-slate-900" title={g.goal}>
                  {g.goal}
                </span>
                <StatusBadge kind="goal" status={g.status} />
              </div>
              <div className="mt-2 flex items-center gap-3">
                <ProgressBar value={g.progress} counts={g.tasks} label={`Progress of ${g.goal}`} />
                <span className="shrink-0 text-xs tabular-nums text-slate-500">
                  {done}/{g.tasks.total} done{g.tasks.failed ? `, ${g.tasks.failed} failed` : ""} · {g.template} · {formatDuration(g.elapsed_ms || null)}
                </span>
              </div>
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
