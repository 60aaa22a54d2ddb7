"use client";
// The goal header's operator controls of issue 10: pause / resume, and how many tasks
// wait at an approval gate.
import { errorMessage } from "@/lib/ui/api";
import { usePauseGoal } from "@/lib/ui/steer-hooks";
import type { GoalWithTasks } from "@/lib/ui/types";
import { canTransition } from "@/lib/domain";

export function AwaitingApprovalCount({ count }: { count: number }) {
  if (count === 0) return null;
  return (
    <span
      data-testid="awaiting-approval-count"
      className="rounded-full bg-violet-100 px-2 py-0.5 text-xs font-medium text-violet-800 ring-1 ring-violet-300"
    >
      {count} awaiting approval
    </span>
  );
}

export function PauseResumeButton({ goal }: { goal: Pick<GoalWithTasks, "id" | "status" | "pause_reason"> }) {
  const { pause, resume } = usePauseGoal(goal.id);
  const error = pause.error ?? resume.error;
  const busy = pause.isPending || resume.isPending;
  const paused = goal.status === "paused";
  return (
    <>
      {paused ? (
        <button
          type="button"
          disabled={busy}
          onClick={() => resume.mutate()}
          className="rounded-md bg-indigo-700 px-3 py-1.5 text-xs font-medium text-white hover:bg-indigo-600 disabled:opacity-40"
          title={goal.pause_reason === "budget_exceeded" ? "Paused: its budget ran out" : "Paused by the operator"}
        >
          Resume goal
        </button>
      ) : (
        <button
          type="button"
          disabled={busy || !canTransition("goal", "pause", goal.status)}
          onClick={() => pause.mutate()}
          className="rounded-md border border-indigo-300 px-3 py-1.5 text-xs font-medium text-indigo-800 hover:bg-indigo-50 disabled:cursor-not-allowed disabled:opacity-40"
        >
          Pause goal
        </button>
      )}
      {error && (
        <span role="alert" className="text-xs text-red-700">
          {errorMessage(error)}
        </span>
      )}
    </>
  );
}
