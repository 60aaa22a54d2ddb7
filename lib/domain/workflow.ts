// The vocabulary of workflows that grow and tell (issue 11): task kinds, planners,
// aggregation strategies and webhook events. The CHECK constraints of subtasks.kind,
// goals.aggregation_strategy and webhook_deliveries.status list the same values.
// No imports (read by the server, the browser and the typed client).

/** What a task is for: an ordinary task, a goal's planning task, or the aggregate task. */
export const SUBTASK_KINDS = ["task", "planning", "aggregate"] as const;
export type SubtaskKind = (typeof SUBTASK_KINDS)[number];

/** Who decomposes a goal: the server (templates, an explicit plan, an LLM) or an agent with skill `planning`. */
export const PLANNERS = ["server", "agent"] as const;
export type Planner = (typeof PLANNERS)[number];
export const PLANNING_SKILL = "planning";
export const PLANNING_TASK_KEY = "plan";

/** How a goal's results combine into its final output. */
export const AGGREGATION_STRATEGIES = ["concat", "json_merge", "json_array", "last", "agent"] as const;
export type AggregationStrategy = (typeof AGGREGATION_STRATEGIES)[number];
export const AGGREGATION_SKILL = "aggregation";
export const AGGREGATE_TASK_KEY = "aggregate";

/** Event types a webhook may subscribe to (the last two are emitted by approval gates and budgets). */
export const WEBHOOK_EVENT_TYPES = [
  "goal.finished",
  "task.failed",
  "task.awaiting_approval",
  "goal.budget_exceeded",
  "task.spawned",
  "goal.cancelled",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
/** The delivery "send test" makes (not an event of the log). */
export const WEBHOOK_TEST_EVENT = "webhook.test";
export const WEBHOOK_DELIVERY_STATUSES = ["pending", "delivered", "failed"] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];
