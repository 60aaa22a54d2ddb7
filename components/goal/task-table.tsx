"use client";
// A goal's tasks as a table (issue 10): sortable, filterable by status, skill and agent,
// with "select all matching" and the four bulk actions (retry, cancel, reassign, re-run),
// each behind a confirmation that shows the server's dry-run count first.
import { useMemo, useState } from "react";
import { StatusBadge } from "@/components/ui/badge";
import { BULK_ACTIONS, SUBTASK_STATUSES, type BulkAction, type SubtaskStatus } from "@/lib/domain";
import { errorMessage } from "@/lib/ui/api";
import { useAgents } from "@/lib/ui/hooks";
import { useBulkTasks, type BulkAnswer, type BulkFilter } from "@/lib/ui/steer-hooks";
import type { GoalWithTasks, Task } from "@/lib/ui/types";

type SortKey = "key" | "name" | "status" | "agent_name" | "attempt";
const COLUMNS: Array<{ key: SortKey; label: string }> = [
  { key: "key", label: "Key" },
  { key: "name", label: "Name" },
  { key: "status", label: "Status" },
  { key: "agent_name", label: "Agent" },
  { key: "attempt", label: "Attempts" },
];
const ACTION_LABELS: Record<BulkAction, string> = { retry: "Retry", cancel: "Cancel", reassign: "Reassign", rerun: "Re-run" };
const select = "rounded-md border border-slate-300 bg-white px-2 py-1 text-xs";

/** One of the table's filters: a labelled select whose empty value ("all", "any") matches every task. */
function FilterSelect({
  label,
  value,
  anyLabel,
  options,
  onChange,
}: {
  label: string;
  value: string;
  anyLabel: string;
  options: Array<{ value: string; label: string }>;
  onChange: (value: string) => void;
}) {
  return (
    <label className="text-[11px] font-medium uppercase tracking-wide text-slate-500">
      {label}
      <select
        aria-label={`Filter by ${label.toLowerCase()}`}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        className={`ml-1 ${select}`}
      >
        <option value="">{anyLabel}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The rows the filter shows, sorted (pure, so the table and its tests agree). */
export function visibleTasks(
  tasks: Task[],
  filter: { status: SubtaskStatus | ""; skill: string; agentId: string },
  sort: { key: SortKey; desc: boolean },
): Task[] {
  const rows = tasks.filter(
    (t) =>
      (!filter.status || t.status === filter.status) &&
      (!filter.skill || t.required_skills.includes(filter.skill)) &&
      (!filter.agentId || t.agent_id === filter.agentId),
  );
  const value = (t: Task) => (sort.key === "attempt" ? t.attempt : (t[sort.key] ?? ""));
  rows.sort((a, b) => {
    const x = value(a);
    const y = value(b);
    const order = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y), undefined, { numeric: true });
    return sort.desc ? -order : order;
  });
  return rows;
}

export function TaskTable({ goal, onSelect }: { goal: GoalWithTasks; onSelect: (taskId: string) => void }) {
  const [status, setStatus] = useState<SubtaskStatus | "">("");
  const [skill, setSkill] = useState("");
  const [agentId, setAgentId] = useState("");
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: "key", desc: false });
  const [allSelected, setAllSelected] = useState(false);
  const [pending, setPending] = useState<{ action: BulkAction; answer: BulkAnswer } | null>(null);
  const [target, setTarget] = useState("");
  const [outcome, setOutcome] = useState<BulkAnswer | null>(null);
  const { agents } = useAgents();
  const bulk = useBulkTasks(goal.id);

  const skills = useMemo(() => [...new Set(goal.subtasks.flatMap((t) => t.required_skills))].sort(), [goal.subtasks]);
  const rows = visibleTasks(goal.subtasks, { status, skill, agentId }, sort);
  const filter: BulkFilter = {
    goal_id: goal.id,
    ...(status ? { status: [status] } : {}),
    ...(skill ? { skill } : {}),
    ...(agentId ? { agent_id: agentId } : {}),
  };
  const resetSelection = () => {
    setAllSelected(false);
    setPending(null);
  };
  // A new filter changes what "all matching" means: the selection starts over.
  const refilter = (set: (value: string) => void) => (value: string) => {
    set(value);
    resetSelection();
  };

  const ask = (action: BulkAction) => {
    setOutcome(null);
    bulk.mutate(
      { action, filter, dry_run: true, ...(action === "reassign" ? { agent_id: target } : {}) },
      { onSuccess: (answer) => setPending({ action, answer }) },
    );
  };
  const confirm = () => {
    if (!pending) return;
    bulk.mutate(
      { action: pending.action, filter, ...(pending.action === "reassign" ? { agent_id: target } : {}) },
      {
        onSuccess: (answer) => {
          setOutcome(answer);
          resetSelection();
        },
      },
    );
  };

  return (
    <div className="flex h-full flex-col" data-testid="task-table-view">
      <div className="flex flex-wrap items-end gap-2 border-b border-slate-200 p-3" role="group" aria-label="Filter tasks">
        <FilterSelect
          label="Status"
          value={status}
          anyLabel="all"
          options={SUBTASK_STATUSES.map((s) => ({ value: s, label: s }))}
          onChange={refilter((value) => setStatus(value as SubtaskStatus | ""))}
        />
        <FilterSelect
          label="Skill"
          value={skill}
          anyLabel="any"
          options={skills.map((s) => ({ value: s, label: s }))}
          onChange={refilter(setSkill)}
        />
        <FilterSelect
          label="Agent"
          value={agentId}
          anyLabel="any"
          options={agents.map((a) => ({ value: a.id, label: a.name }))}
          onChange={refilter(setAgentId)}
        />
        <label className="ml-auto flex items-center gap-1 text-xs">
          <input
            type="checkbox"
            checked={allSelected}
            onChange={(e) => {
              setAllSelected(e.target.checked);
              setPending(null);
            }}
            aria-label="Select all matching tasks"
          />
          Select all {rows.length} matching
        </label>
      </div>
      {allSelected && (
        <div className="flex flex-wrap items-center gap-2 border-b border-slate-200 bg-slate-50 p-3" role="group" aria-label="Bulk actions">
          {BULK_ACTIONS.map((action) => (
            <button
              key={action}
              type="button"
              disabled={bulk.isPending || (action === "reassign" && !target)}
              onClick={() => ask(action)}
              className="rounded-md border border-slate-300 bg-white px-3 py-1 text-xs font-medium hover:bg-slate-100 disabled:opacity-40"
            >
              {ACTION_LABELS[action]} matching
            </button>
          ))}
          <select aria-label="Reassign to agent" value={target} onChange={(e) => setTarget(e.target.value)} className={select}>
            <option value="">reassign to…</option>
            {agents
              .filter((a) => a.status !== "offline" && a.status !== "draining")
              .map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
          </select>
        </div>
      )}
      {pending && (
        <div
          role="dialog"
          aria-label="Confirm bulk action"
          className="flex flex-wrap items-center gap-2 border-b border-amber-200 bg-amber-50 p-3 text-xs"
          data-testid="bulk-confirm"
        >
          <span data-testid="bulk-dry-run">
            {ACTION_LABELS[pending.action]} {pending.answer.changed} of {pending.answer.matched} matching tasks
            {pending.answer.skipped > 0 ? ` (${pending.answer.skipped} skipped: ${pending.answer.skipped_reasons[0]?.reason ?? ""})` : ""}?
          </span>
          <button
            type="button"
            disabled={bulk.isPending || pending.answer.changed === 0}
            onClick={confirm}
            className="rounded-md bg-slate-900 px-3 py-1 font-medium text-white disabled:opacity-40"
          >
            Confirm {ACTION_LABELS[pending.action].toLowerCase()}
          </button>
          <button type="button" onClick={() => setPending(null)} className="rounded-md border border-slate-300 px-3 py-1">
            Back
          </button>
        </div>
      )}
      {outcome && (
        <p role="status" className="border-b border-emerald-200 bg-emerald-50 p-3 text-xs text-emerald-900" data-testid="bulk-outcome">
          {ACTION_LABELS[outcome.action]}: {outcome.changed} changed, {outcome.skipped} skipped in {outcome.batches} batch
          {outcome.batches === 1 ? "" : "es"}.
        </p>
      )}
      {bulk.error && (
        <p role="alert" className="border-b border-red-200 bg-red-50 p-3 text-xs text-red-800">
          {errorMessage(bulk.error)}
        </p>
      )}
      <div className="min-h-0 flex-1 overflow-auto">
        <table className="w-full text-left text-xs" data-testid="task-table">
          <thead className="sticky top-0 bg-white text-slate-500">
            <tr>
              {COLUMNS.map((c) => (
                <th key={c.key} className="px-3 py-2" aria-sort={sort.key === c.key ? (sort.desc ? "descending" : "ascending") : "none"}>
                  <button
                    type="button"
                    onClick={() => setSort((s) => ({ key: c.key, desc: s.key === c.key ? !s.desc : false }))}
                    className="font-medium uppercase tracking-wide hover:text-slate-900"
                  >
                    {c.label}
                    {sort.key === c.key ? (sort.desc ? " ↓" : " ↑") : ""}
                  </button>
                </th>
              ))}
              <th className="px-3 py-2 font-medium uppercase tracking-wide">Skills</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((t) => (
              <tr
                key={t.uuid}
                data-testid="task-row"
                data-key={t.key}
                data-status={t.status}
                className="cursor-pointer border-t border-slate-100 hover:bg-slate-50"
                onClick={() => onSelect(t.uuid)}
              >
                <td className="px-3 py-1.5 font-mono">{t.key}</td>
                <td className="max-w-64 truncate px-3 py-1.5" title={t.name}>
                  {t.name}
                </td>
                <td className="px-3 py-1.5">
                  <StatusBadge kind="task" status={t.status} />
                </td>
                <td className="px-3 py-1.5">{t.agent_name ?? "–"}</td>
                <td className="px-3 py-1.5 tabular-nums">{t.attempt}</td>
                <td className="px-3 py-1.5 font-mono text-slate-600">{t.required_skills.join(", ") || "any"}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {rows.length === 0 && <p className="p-4 text-sm text-slate-500">No task matches the filter.</p>}
      </div>
    </div>
  );
}
