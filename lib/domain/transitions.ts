// Which operator action is allowed from which state, per entity. Operator actions check
// these before they change anything (409 otherwise) and the dashboard enables its buttons
// from the same table, so the two cannot disagree.
import type { AgentStatus, GoalStatus, SubtaskStatus } from "./statuses";

export const SUBTASK_ACTIONS = ["retry", "cancel", "reassign", "approve", "reject", "rerun"] as const;
export type SubtaskAction = (typeof SUBTASK_ACTIONS)[number];

/** What POST /api/tasks/bulk can do to every task a filter matches. */
export const BULK_ACTIONS = ["retry", "cancel", "reassign", "rerun"] as const satisfies readonly SubtaskAction[];
export type BulkAction = (typeof BULK_ACTIONS)[number];

export const GOAL_ACTIONS = ["cancel", "pause", "resume", "rerun"] as const;
export type GoalAction = (typeof GOAL_ACTIONS)[number];

export const AGENT_ACTIONS = ["drain", "undrain"] as const;
export type AgentAction = (typeof AGENT_ACTIONS)[number];

/** action → the states it is allowed from. */
export const SUBTASK_TRANSITIONS = {
  /** a failed, cancelled or skipped task runs again with a fresh failure budget */
  retry: ["failed", "cancelled", "skipped"],
  /** an open task is cancelled (its running attempt too) and everything downstream skipped */
  cancel: ["waiting", "pending", "running", "retrying", "awaiting_approval"],
  /** a task that can run now goes to the chosen agent (a running attempt is superseded) */
  reassign: ["pending", "retrying", "running"],
  /** a result waiting for the operator's approval is accepted */
  approve: ["awaiting_approval"],
  /** a result waiting for the operator's approval is refused (the attempt ends `rejected`) */
  reject: ["awaiting_approval"],
  /** a finished task runs again with a fresh budget, and everything downstream of it */
  rerun: ["completed", "failed", "skipped", "cancelled"],
} as const satisfies Record<SubtaskAction, readonly SubtaskStatus[]>;

export const GOAL_TRANSITIONS = {
  cancel: ["pending", "running", "paused"],
  pause: ["pending", "running"],
  resume: ["paused"],
  rerun: ["complete", "partial", "failed", "cancelled"],
} as const satisfies Record<GoalAction, readonly GoalStatus[]>;

export const AGENT_TRANSITIONS = {
  drain: ["idle", "busy"],
  undrain: ["draining"],
} as const satisfies Record<AgentAction, readonly AgentStatus[]>;

interface Entities {
  subtask: { action: SubtaskAction; status: SubtaskStatus };
  goal: { action: GoalAction; status: GoalStatus };
  agent: { action: AgentAction; status: AgentStatus };
}
export type Entity = keyof Entities;
export type ActionOf<E extends Entity> = Entities[E]["action"];
export type StatusOf<E extends Entity> = Entities[E]["status"];

const TABLES: { [E in Entity]: Record<ActionOf<E>, readonly StatusOf<E>[]> } = {
  subtask: SUBTASK_TRANSITIONS,
  goal: GOAL_TRANSITIONS,
  agent: AGENT_TRANSITIONS,
};

/** Whether `action` is allowed on an `entity` in state `from`. */
export function canTransition<E extends Entity>(entity: E, action: ActionOf<E>, from: StatusOf<E>): boolean {
  const table = TABLES[entity] as Record<ActionOf<E>, readonly StatusOf<E>[]>;
  return table[action].includes(from);
}

/** Every action allowed on an `entity` in state `from`, in the table's order. */
export function allowedActions<E extends Entity>(entity: E, from: StatusOf<E>): ActionOf<E>[] {
  const table = TABLES[entity] as Record<ActionOf<E>, readonly StatusOf<E>[]>;
  return (Object.keys(table) as ActionOf<E>[]).filter((action) => table[action].includes(from));
}

/** The states an action is allowed from, as words for an error message ("a failed, cancelled or skipped task"). */
export function describeAllowed<E extends Entity>(entity: E, action: ActionOf<E>): string {
  const from = [...(TABLES[entity] as Record<ActionOf<E>, readonly string[]>)[action]].map((s) => s.replace(/_/g, " "));
  const words = from.length <= 1 ? from.join("") : `${from.slice(0, -1).join(", ")} or ${from[from.length - 1]}`;
  return `${/^[aeiou]/.test(words) ? "an" : "a"} ${words} ${entity === "subtask" ? "task" : entity}`;
}
