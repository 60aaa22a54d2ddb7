import { AGENT_STATUS_STYLES, ATTEMPT_OUTCOME_STYLES, GOAL_STATUS_STYLES, TASK_STATUS_STYLES } from "@/components/ui/status";
import type { AgentStatus, AttemptOutcome, GoalStatus, SubtaskStatus } from "@/lib/domain";

type BadgeProps =
  | { kind: "task"; status: SubtaskStatus }
  | { kind: "goal"; status: GoalStatus }
  | { kind: "agent"; status: AgentStatus }
  | { kind: "attempt"; status: AttemptOutcome };

function badgeStyle(props: BadgeProps): string | undefined {
  switch (props.kind) {
    case "task":
      return TASK_STATUS_STYLES[props.status]?.badge;
    case "goal":
      return GOAL_STATUS_STYLES[props.status];
    case "agent":
      return AGENT_STATUS_STYLES[props.status];
    case "attempt":
      return ATTEMPT_OUTCOME_STYLES[props.status];
  }
}

export function StatusBadge(props: BadgeProps) {
  // The lookup may miss when a newer server sends a status this page does not know yet.
  const style = badgeStyle(props);
  return (
    <span
      data-testid={`${props.kind}-status`}
      data-status={props.status}
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${style ?? "bg-slate-100 text-slate-700 ring-slate-300"}`}
    >
      {props.status}
    </span>
  );
}
