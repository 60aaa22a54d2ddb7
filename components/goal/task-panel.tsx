"use client";
// The selected task: what it is, what it produced, its attempts, and the operator's
// actions (retry, reassign to a capable live agent, cancel). Text is rendered as text.
import { useState, type ReactNode } from "react";
import { StatusBadge } from "@/components/ui/badge";
import { GateActions } from "@/components/goal/gate-actions";
import { AttemptOutput } from "@/components/goal/live-output";
import { TaskLive } from "@/components/goal/task-live";
import { between, formatDuration, formatTime } from "@/components/ui/format";
import { ErrorState, Loading } from "@/components/ui/states";
import { canTransition } from "@/lib/domain";
import { errorMessage } from "@/lib/ui/api";
import { useAgents, useTask, useTaskActions } from "@/lib/ui/hooks";
import type { Agent, GoalWithTasks, Task } from "@/lib/ui/types";

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-[11px] font-medium uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="mt-0.5 text-sm text-slate-800">{children}</dd>
    </div>
  );
}

export function capableAgents(agents: Agent[], task: Pick<Task, "required_skills" | "agent_id">): Agent[] {
  return agents.filter((a) => a.status !== "offline" && a.id !== task.agent_id && task.required_skills.every((s) => a.skills.includes(s)));
}

export function TaskPanel({
  goal,
  taskId,
  onSelect,
  onClose,
}: {
  goal: GoalWithTasks;
  taskId: string;
  onSelect: (id: string) => void;
  onClose: () => void;
}) {
  const fromGoal = goal.subtasks.find((s) => s.uuid === taskId);
  const { task: detail, isLoading, error } = useTask(taskId);
  const { agents, isLoading: agentsLoading } = useAgents();
  const actions = useTaskActions(fromGoal);
  const [agentChoice, setAgentChoice] = useState("");
  const [confirmCancel, setConfirmCancel] = useState(false);

  if (!fromGoal) return null;
  // The goal's copy is patched live; the detail adds the attempts.
  const task = { ...(detail ?? {}), ...fromGoal };
  const keyOf = new Map(goal.subtasks.map((s) => [s.uuid, s]));
  const candidates = capableAgents(agents, task);
  const actionError = actions.retry.error ?? actions.reassign.error ?? actions.cancel.error;
  const busy = actions.retry.isPending || actions.reassign.isPending || actions.cancel.isPending;

  return (
    <aside
      aria-label={`Task ${task.key}`}
      data-testid="task-panel"
      data-task-id={task.uuid}
      className="flex h-full flex-col overflow-hidden rounded-lg border border-slate-200 bg-white shadow-sm"
    >
      <div className="flex items-start gap-2 border-b border-slate-200 p-4">
        <div className="min-w-0 flex-1">
          <p className="font-mono text-xs text-slate-500">{task.key}</p>
          <h2 className="truncate text-base font-semibold" title={task.name}>
            {task.name}
          </h2>
        </div>
        <StatusBadge kind="task" status={task.status} />
        <button
          type="button"
          onClick={onClose}
          aria-label="Close task panel"
          className="rounded px-1.5 text-lg leading-none text-slate-400 hover:bg-slate-100 hover:text-slate-700"
        >
          ×
        </button>
      </div>

      <div className="flex-1 space-y-4 overflow-y-auto p-4">
        <div className="flex flex-wrap gap-2" role="group" aria-label="Task actions">
          <button
            type="button"
            disabled={!canTransition("subtask", "retry", task.status) || busy}
            onClick={() => actions.retry.mutate()}
            className="rounded-md bg-slate-900 px-3 py-1.5 text-xs font-medium text-white hover:bg-slate-700 disabled:cursor-not-allowed disabled:opacity-40"
          >
            Retry
          </button>
          {confirmCancel ? (
            <>
              <button
                type="button"
                disabled={busy}
                onClick={() => actions.cancel.mutate(undefined, { onSettled: () => setConfirmCancel(false) })}
                className="rounded-md bg-red-600 px-3 py-1.5 text-xs font-medium text-white hover:bg-red-500"
              >
                Confirm cancel
              </button>
              <button
                type="button"
                onClick={() => setConfirmCancel(false)}
                className="rounded-md border border-slate-300 px-3 py-1.5 text-xs"
              >
                Keep
              </button>
            </>
          ) : (
            <button
              type="button"
              disabled={!canTransition("subtask", "cancel", task.status) || busy}
              onClick={() => setConfirmCancel(true)}
              className="rounded-md border border-red-300 px-3 py-1.5 text-xs font-medium text-red-700 hover:bg-red-50 disabled:cursor-not-allowed disabled:opacity-40"
            >
              Cancel task
            </button>
          )}
        </div>
        <GateActions task={task} />
        <form
          className="flex items-end gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            if (agentChoice) actions.reassign.mutate(agentChoice, { onSuccess: () => setAgentChoice("") });
          }}
        >
          <div className="min-w-0 flex-1">
            <label htmlFor="reassign-agent" className="block text-[11px] font-medium uppercase tracking-wide text-slate-500">
              Reassign to
            </label>
            <select
              id="reassign-agent"
              value={agentChoice}
              onChange={(e) => setAgentChoice(e.target.value)}
              disabled={!canTransition("subtask", "reassign", task.status)}
              className="mt-0.5 w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-xs disabled:opacity-40"
            >
              <option value="">
                {agentsLoading ? "Loading agents…" : candidates.length ? "Choose a capable live agent…" : "No other capable live agent"}
              </option>
              {candidates.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name} ({a.running}/{a.capacity})
                </option>
              ))}
            </select>
          </div>
          <button
            type="submit"
            disabled={!agentChoice || !canTransition("subtask", "reassign", task.status) || busy}
            className="rounded-md border border-slate-300 px-3 py-1.5 text-xs font-medium hover:bg-slate-50 disabled:cursor-not-allowed disabled:opacity-40"
          >
            Reassign
          </button>
        </form>
        {actionError && (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-xs text-red-800">
            {errorMessage(actionError)}
          </p>
        )}

        <dl className="grid grid-cols-2 gap-3">
          <Field label="Agent">
            <span data-testid="task-agent">{task.agent_name ?? "–"}</span>
          </Field>
          <Field label="Priority">{task.priority}</Field>
          <Field label="Attempts">
            {task.attempt} used · {task.failures} failed · max {task.max_attempts}
          </Field>
          <Field label="Estimate / timeout">
            {formatDuration(task.estimated_duration_s * 1000)} / {formatDuration(task.timeout_s * 1000)}
          </Field>
          <Field label="Started">{formatTime(task.started_at)}</Field>
          <Field label="Finished">{formatTime(task.finished_at)}</Field>
          <Field label="Duration">{formatDuration(between(task.started_at, task.finished_at))}</Field>
          {task.next_attempt_at && task.status === "retrying" && <Field label="Next attempt">{formatTime(task.next_attempt_at)}</Field>}
        </dl>
        <Field label="Skills">
          {task.required_skills.length ? (
            <span className="flex flex-wrap gap-1">
              {task.required_skills.map((s) => (
                <span key={s} className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs">
                  {s}
                </span>
              ))}
            </span>
          ) : (
            "any agent"
          )}
        </Field>
        <Field label="Depends on">
          {task.dependencies.length ? (
            <span className="flex flex-wrap gap-1">
              {task.dependencies.map((d) => {
                const dep = keyOf.get(d);
                return (
                  <button
                    key={d}
                    type="button"
                    onClick={() => onSelect(d)}
                    className="rounded border border-slate-200 px-1.5 py-0.5 font-mono text-xs hover:bg-slate-50"
                    title={dep?.name}
                  >
                    {dep?.key ?? d.slice(0, 8)} · {dep?.status ?? "?"}
                  </button>
                );
              })}
            </span>
          ) : (
            "nothing"
          )}
        </Field>
        <Field label="Description">
          <p className="whitespace-pre-wrap break-words">{task.description || "–"}</p>
        </Field>
        {task.result !== null && task.result !== undefined && (
          <Field label="Result">
            <pre
              data-testid="task-result"
              className="max-h-60 overflow-auto whitespace-pre-wrap break-words rounded bg-slate-50 p-2 text-xs"
            >
              {task.result}
            </pre>
          </Field>
        )}
        {/* Issue 9: progress, usage and output */}
        <TaskLive task={task} detail={detail} />
        {task.error && (
          <Field label="Error">
            <pre
              data-testid="task-error"
              className="max-h-60 overflow-auto whitespace-pre-wrap break-words rounded bg-red-50 p-2 text-xs text-red-800"
            >
              {task.error}
            </pre>
          </Field>
        )}

        <div>
          <h3 className="text-[11px] font-medium uppercase tracking-wide text-slate-500">Attempt history</h3>
          {isLoading ? (
            <Loading label="Loading attempts…" />
          ) : error ? (
            <ErrorState error={error} title="Could not load the attempts" />
          ) : !detail?.attempts.length ? (
            <p data-testid="no-attempts" className="mt-1 text-sm text-slate-500">
              No attempt yet.
            </p>
          ) : (
            <table className="mt-1 w-full text-left text-xs" data-testid="attempts">
              <thead className="text-slate-500">
                <tr>
                  <th className="py-1 pr-2">#</th>
                  <th className="py-1 pr-2">Agent</th>
                  <th className="py-1 pr-2">Outcome</th>
                  <th className="py-1 pr-2">Started</th>
                  <th className="py-1">Took</th>
                </tr>
              </thead>
              <tbody>
                {detail.attempts.map((a) => (
                  <tr key={a.number} className="border-t border-slate-100 align-top" data-testid="attempt-row" data-outcome={a.outcome}>
                    <td className="py-1 pr-2 tabular-nums">{a.number}</td>
                    <td className="py-1 pr-2">{a.agent_name}</td>
                    <td className="py-1 pr-2">
                      {a.outcome}
                      {a.error && (
                        <span className="block max-w-48 truncate text-red-700" title={a.error}>
                          {a.error}
                        </span>
                      )}
                      {a.feedback && (
                        <span className="block max-w-48 truncate text-violet-800" data-testid="attempt-feedback" title={a.feedback}>
                          feedback: {a.feedback}
                        </span>
                      )}
                      {a.number !== task.attempt && <AttemptOutput taskId={task.uuid} attempt={a.number} bytes={a.output_bytes} />}
                    </td>
                    <td className="py-1 pr-2">{formatTime(a.started_at)}</td>
                    <td className="py-1">{formatDuration(between(a.started_at, a.ended_at))}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      </div>
    </aside>
  );
}
