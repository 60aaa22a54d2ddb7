"use client";
// The light custom node of the DAG: key, name, status and agent; nothing else renders.
import { Handle, Position, type NodeProps } from "@xyflow/react";
import { createContext, memo, useContext } from "react";
import { TASK_STATUS_STYLES } from "@/components/ui/status";
import { useLiveProgress } from "@/lib/ui/progress-hooks";
import type { TaskNodeType } from "@/lib/ui/dag-elements";
import { NODE_HEIGHT, NODE_WIDTH } from "@/lib/ui/layout";
import type { Task } from "@/lib/ui/types";

/** Selects a task from the keyboard (a stable setter, so nodes do not re-render for it). */
export const SelectTaskContext = createContext<(taskId: string) => void>(() => undefined);

function TaskNodeView({ data, selected }: NodeProps<TaskNodeType>) {
  const t = data.task;
  const style = TASK_STATUS_STYLES[t.status] ?? TASK_STATUS_STYLES.waiting!;
  const select = useContext(SelectTaskContext);
  return (
    <div
      role="button"
      tabIndex={0}
      aria-label={`${t.key} ${t.name}: ${t.status}${t.agent_name ? ` on ${t.agent_name}` : ""}`}
      aria-pressed={selected}
      onKeyDown={(e) => {
        if (e.key === "Enter" || e.key === " ") {
          e.preventDefault();
          select(t.uuid);
        }
      }}
      data-testid="task-node"
      data-key={t.key}
      data-status={t.status}
      data-kind={t.kind}
      data-spawned={t.spawned_by ? "true" : undefined}
      data-unroutable={t.unroutable ? "true" : undefined}
      style={{ width: NODE_WIDTH, height: NODE_HEIGHT }}
      className={`relative flex flex-col justify-between rounded-md border-2 px-2 py-1.5 text-xs shadow-sm ${style.node} ${t.status === "running" ? "sy-running" : ""} ${t.status === "awaiting_approval" ? "ring-2 ring-violet-400 ring-offset-2 animate-pulse" : ""} ${selected ? "outline outline-2 outline-offset-2 outline-slate-900" : ""} focus-visible:ring-2 focus-visible:ring-slate-900 focus-visible:outline-none`}
      title={`${t.key} ${t.name} – ${t.status}`}
    >
      <Handle type="target" position={Position.Left} isConnectable={false} className="!h-1.5 !w-1.5 !min-w-0 !border-0 !bg-slate-400" />
      <div className="flex items-center gap-1.5">
        <span className="shrink-0 whitespace-nowrap font-mono font-semibold text-slate-600" data-testid="task-node-key">
          {t.key}
        </span>
        <span className="truncate font-medium text-slate-900">{t.name}</span>
        {t.kind !== "task" && <span className="ml-auto shrink-0 rounded bg-slate-200 px-1 text-[10px] text-slate-700">{t.kind}</span>}
        {t.unroutable && (
          <span
            data-testid="task-node-unroutable"
            className={`${t.kind !== "task" ? "ml-1" : "ml-auto"} shrink-0 rounded bg-amber-200 px-1 text-[10px] font-semibold text-amber-900`}
            title={`No live agent has the skills ${t.required_skills.join(", ") || "(none)"}`}
          >
            no agent
          </span>
        )}
      </div>
      <div className="flex items-center justify-between gap-2 text-[11px]">
        <span className="flex items-center gap-1">
          <span aria-hidden className={`h-2 w-2 rounded-full ${style.dot}`} />
          <span data-testid="task-node-status">{t.status}</span>
          {t.attempt > 1 && <span className="text-slate-500">#{t.attempt}</span>}
        </span>
        <span data-testid="task-node-agent" className="truncate text-slate-600">
          {t.agent_name ?? ""}
        </span>
      </div>
      {t.status === "running" && <NodeProgress task={t} />}
      <Handle type="source" position={Position.Right} isConnectable={false} className="!h-1.5 !w-1.5 !min-w-0 !border-0 !bg-slate-400" />
    </div>
  );
}

/** Issue 9: a running task's latest progress report: a bar along the node's foot and the message. */
function NodeProgress({ task }: { task: Task }) {
  const live = useLiveProgress(task.uuid);
  const current = live && live.attempt === task.attempt ? live : undefined;
  const progress = current?.progress ?? task.progress ?? null;
  const message = current?.message ?? task.message ?? null;
  return (
    <>
      {message && (
        <span data-testid="task-node-message" className="truncate text-[10px] leading-3 text-slate-600" title={message}>
          {message}
        </span>
      )}
      <span
        data-testid="task-node-progress"
        data-progress={progress ?? ""}
        role="progressbar"
        aria-label={`${task.key} progress`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={progress === null ? undefined : Math.round(progress * 100)}
        className="absolute inset-x-0 bottom-0 h-1 overflow-hidden rounded-b bg-sky-100"
      >
        <span
          className={`block h-full bg-sky-500 transition-[width] duration-300 ${progress === null ? "w-1/4 animate-pulse" : ""}`}
          style={progress === null ? undefined : { width: `${Math.round(progress * 100)}%` }}
        />
      </span>
    </>
  );
}

export const TaskNode = memo(TaskNodeView);
