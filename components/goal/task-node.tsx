"use client";
// The light custom node of the DAG: key, name, status and agent; nothing else renders.
import { Handle, Position, type Node, type NodeProps } from "@xyflow/react";
import { createContext, memo, useContext } from "react";
import { TASK_STATUS_STYLES } from "@/components/ui/status";
import { NODE_HEIGHT, NODE_WIDTH } from "@/lib/ui/layout";
import type { Task } from "@/lib/ui/types";

export type TaskNodeData = { task: Task };

/** Selects a task from the keyboard (a stable setter, so nodes do not re-render for it). */
export const SelectTaskContext = createContext<(taskId: string) => void>(() => undefined);
export type TaskNodeType = Node<TaskNodeData, "task">;

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
      style={{ width: NODE_WIDTH, height: NODE_HEIGHT }}
      className={`flex flex-col justify-between rounded-md border-2 px-2 py-1.5 text-xs shadow-sm ${style.node} ${t.status === "running" ? "sy-running" : ""} ${t.status === "awaiting_approval" ? "ring-2 ring-violet-400 ring-offset-2 animate-pulse" : ""} ${selected ? "outline outline-2 outline-offset-2 outline-slate-900" : ""} focus-visible:ring-2 focus-visible:ring-slate-900 focus-visible:outline-none`}
      title={`${t.key} ${t.name} – ${t.status}`}
    >
      <Handle type="target" position={Position.Left} isConnectable={false} className="!h-1.5 !w-1.5 !min-w-0 !border-0 !bg-slate-400" />
      <div className="flex items-center gap-1.5">
        <span className="font-mono font-semibold text-slate-600">{t.key}</span>
        <span className="truncate font-medium text-slate-900">{t.name}</span>
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
      <Handle type="source" position={Position.Right} isConnectable={false} className="!h-1.5 !w-1.5 !min-w-0 !border-0 !bg-slate-400" />
    </div>
  );
}

export const TaskNode = memo(TaskNodeView);
