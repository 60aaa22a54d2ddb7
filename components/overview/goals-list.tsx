"use client";
// The overview's goal list: a text search over goal text and context, a status filter and
// pages (keyset cursors from GET /api/goals), with each goal's progress and how many of
// its tasks wait for approval.
import Link from "next/link";
import { useState } from "react";
import { StatusBadge } from "@/components/ui/badge";
import { formatDuration } from "@/components/ui/format";
import { ProgressBar } from "@/components/ui/progress-bar";
import { EmptyState, ErrorState, Loading } from "@/components/ui/states";
import { GOAL_STATUSES, isGoalStatus, type GoalStatus } from "@/lib/domain";
import { useGoalPage } from "@/lib/ui/steer-hooks";

const PAGE_SIZE = 20;

export function GoalsList() {
  const [search, setSearch] = useState("");
  const [status, setStatus] = useState<GoalStatus | "">("");
  // The cursors of the pages before this one (the first page has none).
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const { goals, nextCursor, isLoading, error } = useGoalPage({ q: search, status: status || undefined, cursor, limit: PAGE_SIZE });
  const restart = () => setCursors([undefined]);

  return (
    <div>
      <form role="search" className="mb-2 flex flex-wrap gap-2" onSubmit={(e) => e.preventDefault()}>
        <input
          type="search"
          aria-label="Search goals"
          placeholder="Search goals and context…"
          value={search}
          onChange={(e) => {
            setSearch(e.target.value);
            restart();
          }}
          maxLength={500}
          className="min-w-0 flex-1 rounded-md border border-slate-300 px-2 py-1.5 text-sm"
        />
        <select
          aria-label="Filter goals by status"
          value={status}
          onChange={(e) => {
            setStatus(isGoalStatus(e.target.value) ? e.target.value : "");
            restart();
          }}
          className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm"
        >
          <option value="">all statuses</option>
          {GOAL_STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </form>
      {isLoading ? (
        <Loading label="Loading goals…" />
      ) : error ? (
        <ErrorState error={error} title="Could not load the goals" />
      ) : goals.length === 0 ? (
        search || status ? (
          <EmptyState title="No goal matches">Try other words or another status.</EmptyState>
        ) : (
          <EmptyState title="No goals yet">Submit one with the form to see it here.</EmptyState>
        )
      ) : (
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
                    {g.tasks.awaiting_approval > 0 && (
                      <span data-testid="goal-awaiting-approval" className="rounded-full bg-violet-100 px-2 py-0.5 text-xs text-violet-800">
                        {g.tasks.awaiting_approval} awaiting approval
                      </span>
                    )}
                    <StatusBadge kind="goal" status={g.status} />
                  </div>
                  <div className="mt-2 flex items-center gap-3">
                    <ProgressBar value={g.progress} counts={g.tasks} label={`Progress of ${g.goal}`} />
                    <span className="shrink-0 text-xs tabular-nums text-slate-500">
                      {done}/{g.tasks.total} done{g.tasks.failed ? `, ${g.tasks.failed} failed` : ""} · {g.template} ·{" "}
                      {formatDuration(g.elapsed_ms || null)}
                    </span>
                  </div>
                </Link>
              </li>
            );
          })}
        </ul>
      )}
      <nav aria-label="Goal pages" className="mt-2 flex items-center justify-end gap-2 text-xs">
        <span className="text-slate-500">Page {cursors.length}</span>
        <button
          type="button"
          disabled={cursors.length <= 1}
          onClick={() => setCursors((c) => c.slice(0, -1))}
          className="rounded-md border border-slate-300 px-2 py-1 disabled:opacity-40"
        >
          Previous
        </button>
        <button
          type="button"
          disabled={!nextCursor}
          onClick={() => nextCursor && setCursors((c) => [...c, nextCursor])}
          className="rounded-md border border-slate-300 px-2 py-1 disabled:opacity-40"
        >
          Next
        </button>
      </nav>
    </div>
  );
}
