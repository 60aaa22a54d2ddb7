"use client";
// The dashboard's hooks for the operator's controls (issue 10): approval decisions,
// re-run, pause/resume, drain, bulk actions, and the goal list's search and pages.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { BulkAction, GoalStatus } from "@/lib/domain";
import { getJson, postJson } from "@/lib/ui/api";
import { fallbackInterval } from "@/lib/ui/live-connection";
import { queryKeys } from "@/lib/ui/query-keys";
import type { Agent, Goal, Task } from "@/lib/ui/types";
import type { BulkFilter, BulkResult } from "@/lib/orchestration/bulk-tasks";

export interface GoalListQuery {
  q?: string;
  status?: GoalStatus;
  cursor?: string;
  limit?: number;
}

/** One page of the goal list: search, status filter, keyset cursor (under goalList(), so live events refresh it). */
export function useGoalPage(query: GoalListQuery) {
  const params = new URLSearchParams({ limit: String(query.limit ?? 20) });
  if (query.q?.trim()) params.set("q", query.q.trim());
  if (query.status) params.set("status", query.status);
  if (query.cursor) params.set("cursor", query.cursor);
  const q = useQuery({
    queryKey: [
      ...queryKeys.goalList(),
      { q: query.q?.trim() ?? "", status: query.status ?? null, cursor: query.cursor ?? null, limit: query.limit ?? 20 },
    ],
    queryFn: () => getJson<{ goals: Goal[]; next_cursor: string | null }>(`/api/goals?${params}`),
    placeholderData: keepPreviousData,
    refetchInterval: fallbackInterval,
  });
  return { goals: q.data?.goals ?? [], nextCursor: q.data?.next_cursor ?? null, isLoading: q.isPending, error: q.error };
}

/** Approve (optionally with an edited result), reject with feedback, re-run from here. */
export function useGateActions(task: Pick<Task, "uuid" | "goal_id"> | undefined) {
  const queryClient = useQueryClient();
  const refresh = () => {
    if (!task) return;
    void queryClient.invalidateQueries({ queryKey: queryKeys.task(task.uuid) });
    void queryClient.invalidateQueries({ queryKey: queryKeys.goal(task.goal_id) });
    void queryClient.invalidateQueries({ queryKey: queryKeys.goalList() });
  };
  const path = (action: string) => `/api/tasks/${encodeURIComponent(task!.uuid)}/${action}`;
  const approve = useMutation({
    mutationFn: (result?: string) => postJson(path("approve"), result === undefined ? {} : { result }),
    onSettled: refresh,
  });
  const reject = useMutation({ mutationFn: (feedback: string) => postJson(path("reject"), { feedback }), onSettled: refresh });
  const rerun = useMutation({
    mutationFn: (description?: string) => postJson(path("rerun"), description === undefined ? {} : { description }),
    onSettled: refresh,
  });
  return { approve, reject, rerun };
}

export function usePauseGoal(goalId: string) {
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: queryKeys.goals() });
  const pause = useMutation({ mutationFn: () => postJson(`/api/goals/${encodeURIComponent(goalId)}/pause`), onSettled: refresh });
  const resume = useMutation({ mutationFn: () => postJson(`/api/goals/${encodeURIComponent(goalId)}/resume`), onSettled: refresh });
  return { pause, resume };
}

export function useDrainAgent() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ agent, drained }: { agent: Pick<Agent, "id">; drained: boolean }) =>
      postJson(`/api/agents/${encodeURIComponent(agent.id)}/${drained ? "drain" : "undrain"}`),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.agents() }),
  });
}

// The bulk route's filter and answer are the domain's own types (nothing in them changes in JSON).
export type { BulkFilter, BulkResult as BulkAnswer } from "@/lib/orchestration/bulk-tasks";

export function useBulkTasks(goalId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { action: BulkAction; filter: BulkFilter; agent_id?: string; dry_run?: boolean }) =>
      postJson<BulkResult>("/api/tasks/bulk", body),
    onSettled: (_data, _error, body) => {
      if (body.dry_run) return;
      void queryClient.invalidateQueries({ queryKey: queryKeys.goal(goalId) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.agents() });
    },
  });
}
