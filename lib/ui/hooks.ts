"use client";
// Feature hooks of the dashboard: each wraps one query (keys from the one factory) or one
// operator action, and returns flat data.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSyncExternalStore } from "react";
import { getBinary, getJson, postJson } from "@/lib/ui/api";
import { parseTensor } from "@/lib/ui/heatmap";
import { agentNameIn } from "@/lib/ui/agent-name";
import { goalPatchLog } from "@/lib/ui/goal-patch-log";
import { fallbackInterval } from "@/lib/ui/live-connection";
import { queryKeys } from "@/lib/ui/query-keys";
import type {
  Agent,
  AgentThroughput,
  DecomposePreview,
  Goal,
  GoalWithTasks,
  SystemStatus,
  Task,
  TaskDetail,
  TensorLabels,
  Throughput,
} from "@/lib/ui/types";

const live = { refetchInterval: fallbackInterval } as const;

export function useGoals() {
  const q = useQuery({ queryKey: queryKeys.goalList(), queryFn: () => getJson<{ goals: Goal[] }>("/api/goals?limit=100"), ...live });
  return { goals: q.data?.goals ?? [], isLoading: q.isPending, error: q.error };
}

/**
 * One goal with its tasks. `initialGoal` (read by the page on the server) is shown at once
 * but counts as stale: it is fetched again on mount, so whatever changed between that read
 * and this query joining the live events is not missed.
 */
export function useGoal(goalId: string, initialGoal?: GoalWithTasks) {
  const queryClient = useQueryClient();
  const q = useQuery({
    queryKey: queryKeys.goal(goalId),
    queryFn: async () => {
      // Live patches applied while this read was in flight, and not reflected in what it read, are replayed on its answer (lib/ui/goal-patch-log.ts).
      const mark = goalPatchLog().mark();
      // An older server (a rolling deploy) answers no reflected_seqs: then it reflects none past last_seq.
      const read = await getJson<Omit<GoalWithTasks, "reflected_seqs"> & { reflected_seqs?: number[] }>(
        `/api/goals/${encodeURIComponent(goalId)}`,
      );
      const goal: GoalWithTasks = { ...read, reflected_seqs: read.reflected_seqs ?? [] };
      return goalPatchLog().replay(goal, mark, agentNameIn(queryClient));
    },
    initialData: initialGoal,
    initialDataUpdatedAt: 0,
    ...live,
  });
  return { goal: q.data, isLoading: q.isPending, error: q.error };
}

export function useTask(taskId: string | null) {
  const q = useQuery({
    queryKey: queryKeys.task(taskId ?? "none"),
    queryFn: () => getJson<TaskDetail>(`/api/tasks/${encodeURIComponent(taskId!)}`),
    enabled: Boolean(taskId),
    ...live,
  });
  return { task: q.data, isLoading: q.isPending && Boolean(taskId), error: q.error };
}

export function useAgents() {
  const q = useQuery({ queryKey: queryKeys.agentList(), queryFn: () => getJson<{ agents: Agent[] }>("/api/agents"), ...live });
  return { agents: q.data?.agents ?? [], isLoading: q.isPending, error: q.error };
}

export function useSystemStatus() {
  const q = useQuery({ queryKey: queryKeys.status(), queryFn: () => getJson<SystemStatus>("/api/orchestration/status"), ...live });
  return { status: q.data, isLoading: q.isPending, error: q.error };
}

export function useThroughput(minutes = 60) {
  const q = useQuery({
    queryKey: queryKeys.throughput(minutes),
    queryFn: () => getJson<Throughput>(`/api/metrics/throughput?minutes=${minutes}`),
    ...live,
  });
  return { throughput: q.data, isLoading: q.isPending, error: q.error };
}

export function useAgentThroughput(minutes = 60) {
  const q = useQuery({
    queryKey: queryKeys.agentThroughput(minutes),
    queryFn: () => getJson<AgentThroughput>(`/api/metrics/agents?minutes=${minutes}`),
    ...live,
  });
  return { series: q.data?.agents ?? [], isLoading: q.isPending, error: q.error };
}

function tensorQuery(goalId: string | null) {
  return goalId ? `?goal_id=${encodeURIComponent(goalId)}` : "";
}

export function useTensor(goalId: string | null) {
  const q = useQuery({
    queryKey: queryKeys.tensor(goalId),
    queryFn: async () => {
      const sep = goalId ? "&" : "?";
      const { buffer, headers } = await getBinary(`/api/orchestration/tensor${tensorQuery(goalId)}${sep}format=binary`);
      return parseTensor(buffer, headers.get("x-tensor-shape"));
    },
    placeholderData: (previous) => previous,
    ...live,
  });
  return { tensor: q.data, isLoading: q.isPending, isFetching: q.isFetching, error: q.error };
}

export function useTensorLabels(goalId: string | null) {
  const q = useQuery({
    queryKey: queryKeys.tensorLabels(goalId),
    queryFn: () => getJson<TensorLabels>(`/api/orchestration/tensor/labels${tensorQuery(goalId)}`),
    placeholderData: (previous) => previous,
    ...live,
  });
  return { labels: q.data, error: q.error };
}

export interface GoalSubmission {
  goal: string;
  context?: string;
  plan?: unknown;
}

export function usePreviewGoal() {
  const m = useMutation({ mutationFn: (body: GoalSubmission) => postJson<DecomposePreview>("/api/goals", { ...body, dry_run: true }) });
  return { preview: m.mutate, previewAsync: m.mutateAsync, data: m.data, isPending: m.isPending, error: m.error, reset: m.reset };
}

export function useSubmitGoal() {
  const queryClient = useQueryClient();
  const m = useMutation({
    mutationFn: (body: GoalSubmission) => postJson<DecomposePreview & { goal_id: string }>("/api/goals", body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.goals() }),
  });
  return { submit: m.mutateAsync, isPending: m.isPending, error: m.error };
}

/** Operator actions on one task; each refreshes the task, its goal and the agents. */
export function useTaskActions(task: Pick<Task, "uuid" | "goal_id"> | undefined) {
  const queryClient = useQueryClient();
  const refresh = () => {
    if (!task) return;
    void queryClient.invalidateQueries({ queryKey: queryKeys.task(task.uuid) });
    void queryClient.invalidateQueries({ queryKey: queryKeys.goal(task.goal_id) });
    void queryClient.invalidateQueries({ queryKey: queryKeys.agents() });
  };
  const path = (action: string) => `/api/tasks/${encodeURIComponent(task!.uuid)}/${action}`;
  const retry = useMutation({ mutationFn: () => postJson<{ subtask: Task }>(path("retry")), onSettled: refresh });
  const reassign = useMutation({
    mutationFn: (agentId: string) => postJson<{ subtask: Task }>(path("reassign"), { agent_id: agentId }),
    onSettled: refresh,
  });
  const cancel = useMutation({ mutationFn: () => postJson<{ subtask: Task; skipped: string[] }>(path("cancel")), onSettled: refresh });
  return { retry, reassign, cancel };
}

export function useCancelGoal(goalId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => postJson<{ goal: unknown }>(`/api/goals/${encodeURIComponent(goalId)}/cancel`),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.goals() }),
  });
}

const subscribeToNothing = () => () => undefined;

/** False while the server renders and the browser hydrates, true from the first render after: for what must not be rendered on the server (times in the browser's zone and locale). */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    subscribeToNothing,
    () => true,
    () => false,
  );
}
