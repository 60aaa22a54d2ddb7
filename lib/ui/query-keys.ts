// Every TanStack Query key of the dashboard, in one factory: hierarchical, so invalidating
// a prefix (say all goals) reaches every query under it.
export const queryKeys = {
  all: ["switchyard"] as const,
  goals: () => [...queryKeys.all, "goals"] as const,
  goalList: () => [...queryKeys.goals(), "list"] as const,
  goal: (goalId: string) => [...queryKeys.goals(), "detail", goalId] as const,
  /** Issue 9: under the goal's key, so whatever refreshes the goal refreshes its timeline. */
  goalTimeline: (goalId: string) => [...queryKeys.goals(), "detail", goalId, "timeline"] as const,
  tasks: () => [...queryKeys.all, "tasks"] as const,
  task: (taskId: string) => [...queryKeys.tasks(), taskId] as const,
  /** Issue 9: one attempt's stored output (under the task, so invalidating the task refetches it). */
  taskOutput: (taskId: string, attempt: number) => [...queryKeys.tasks(), taskId, "output", attempt] as const,
  agents: () => [...queryKeys.all, "agents"] as const,
  agentList: () => [...queryKeys.agents(), "list"] as const,
  status: () => [...queryKeys.all, "status"] as const,
  metrics: () => [...queryKeys.all, "metrics"] as const,
  throughput: (minutes: number) => [...queryKeys.metrics(), "throughput", minutes] as const,
  agentThroughput: (minutes: number) => [...queryKeys.metrics(), "agents", minutes] as const,
  tensors: () => [...queryKeys.all, "tensor"] as const,
  tensor: (goalId: string | null) => [...queryKeys.tensors(), "values", goalId ?? "open"] as const,
  tensorLabels: (goalId: string | null) => [...queryKeys.tensors(), "labels", goalId ?? "open"] as const,
  webhooks: () => [...queryKeys.all, "webhooks"] as const,
  webhookList: () => [...queryKeys.webhooks(), "list"] as const,
  webhookDeliveries: (webhookId: string) => [...queryKeys.webhooks(), "deliveries", webhookId] as const,
};

export type QueryKey = readonly unknown[];
