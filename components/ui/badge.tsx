import { AGENT_STATUS_STYLES, GOAL_STATUS_STYLES, TASK_STATUS_STYLES } from "@/components/ui/status";

export function StatusBadge({ status, kind }: { status: string; kind: "task" | "goal" | "agent" }) {
  const style =
    kind === "task" ? TASK_STATUS_STYLES[status]?.badge : kind === "goal" ? GOAL_STATUS_STYLES[status] : AGENT_STATUS_STYLES[status];
  return (
    <span data-testid={`${kind}-status`} data-status={status} className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${style ?? "bg-slate-100 text-slate-700 ring-slate-300"}`}>
      {status}
    </span>
  );
}
