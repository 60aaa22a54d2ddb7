"use client";
// Issue 9 on the goal page: the final output (copy, download), what the goal cost against
// its budget (raise it when it paused the goal), the tasks no live agent can take, and an
// elapsed time that ticks while the goal runs.
import { useEffect, useState } from "react";
import { formatDuration } from "@/components/ui/format";
import { formatCost, formatTokens } from "@/components/ui/format-usage";
import type { GoalWithTasks } from "@/lib/ui/types";

/** The goal's aggregated text (result.final_output), whatever else the aggregation stored. */
export function finalOutputOf(result: unknown): string | null {
  if (!result || typeof result !== "object") return null;
  const r = result as { final_output?: unknown };
  if (typeof r.final_output === "string") return r.final_output;
  if (r.final_output !== undefined && r.final_output !== null) return JSON.stringify(r.final_output, null, 2);
  return null;
}

export function Elapsed({ startedAt, finishedAt, ticking }: { startedAt: string | null; finishedAt: string | null; ticking: boolean }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!ticking) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [ticking]);
  if (!startedAt) return <span data-testid="goal-elapsed">Elapsed –</span>;
  const end = finishedAt ? new Date(finishedAt).getTime() : now;
  return <span data-testid="goal-elapsed">Elapsed {formatDuration(Math.max(0, end - new Date(startedAt).getTime()))}</span>;
}

export function FinalOutput({ goal }: { goal: GoalWithTasks }) {
  const text = finalOutputOf(goal.result);
  const [copied, setCopied] = useState(false);
  if (text === null) return null;
  const download = () => {
    const url = URL.createObjectURL(new Blob([text], { type: "text/markdown;charset=utf-8" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = `goal-${goal.id.slice(0, 8)}-output.md`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  return (
    <section aria-label="Final output" className="rounded-lg border border-emerald-200 bg-white p-4 shadow-sm">
      <div className="flex items-center gap-2">
        <h2 className="text-sm font-semibold text-emerald-900">Final output</h2>
        <span className="text-xs text-slate-500">{goal.status}</span>
        <button
          type="button"
          onClick={() =>
            void navigator.clipboard?.writeText(text).then(
              () => {
                setCopied(true);
                setTimeout(() => setCopied(false), 1500);
              },
              () => setCopied(false),
            )
          }
          className="ml-auto rounded-md border border-slate-300 px-2.5 py-1 text-xs font-medium hover:bg-slate-50"
        >
          {copied ? "Copied" : "Copy"}
        </button>
        <button
          type="button"
          onClick={download}
          className="rounded-md border border-slate-300 px-2.5 py-1 text-xs font-medium hover:bg-slate-50"
        >
          Download
        </button>
      </div>
      <pre
        data-testid="final-output"
        className="mt-2 max-h-64 overflow-auto whitespace-pre-wrap break-words rounded bg-slate-50 p-3 text-sm text-slate-900"
      >
        {text || "(empty)"}
      </pre>
    </section>
  );
}

export function GoalCost({ goal }: { goal: GoalWithTasks }) {
  const { usage, budget } = goal;
  const tokens = usage.input_tokens + usage.output_tokens;
  return (
    <span data-testid="goal-cost" title={`${usage.input_tokens} input and ${usage.output_tokens} output tokens`}>
      Cost {formatCost(usage.cost_usd)}
      {budget?.max_cost_usd !== null && budget?.max_cost_usd !== undefined && ` of ${formatCost(budget.max_cost_usd)}`} ·{" "}
      {formatTokens(tokens)} tokens
      {budget?.max_tokens !== null && budget?.max_tokens !== undefined && ` of ${formatTokens(budget.max_tokens)}`}
    </span>
  );
}

/** A goal its budget paused: why, and what the operator can do. */
export function BudgetPaused({ goal }: { goal: GoalWithTasks }) {
  const reason = (goal as { pause_reason?: string | null }).pause_reason;
  if (goal.status !== "paused" || reason !== "budget_exceeded") return null;
  return (
    <div
      role="status"
      data-testid="budget-paused"
      className="mt-3 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900"
    >
      <strong>Paused: budget exceeded.</strong> It used {formatCost(goal.usage.cost_usd)} and{" "}
      {formatTokens(goal.usage.input_tokens + goal.usage.output_tokens)} tokens
      {goal.budget?.max_cost_usd != null ? ` (limit ${formatCost(goal.budget.max_cost_usd)})` : ""}
      {goal.budget?.max_tokens != null ? ` (limit ${formatTokens(goal.budget.max_tokens)} tokens)` : ""}. Nothing more is assigned; running
      attempts may finish and report. Cancel the goal, or resume it.
    </div>
  );
}

export function Unroutable({ goal }: { goal: GoalWithTasks }) {
  if (!goal.unroutable.length) return null;
  return (
    <p role="status" data-testid="goal-unroutable" className="mt-2 rounded-md bg-amber-50 px-3 py-1.5 text-xs text-amber-900">
      {goal.unroutable.map((line) => (
        <span key={line} className="block">
          ⚠{" "}
          {line.split("`").map((part, i) =>
            i % 2 === 1 ? (
              <code key={i} className="rounded bg-amber-100 px-1 font-mono">
                {part}
              </code>
            ) : (
              part
            ),
          )}
        </span>
      ))}
    </p>
  );
}
