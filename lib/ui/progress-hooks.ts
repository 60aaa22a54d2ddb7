"use client";
// Issue 9 hooks: a task's live progress (the socket's `progress` channel) and an
// attempt's stored output.
import { useQuery } from "@tanstack/react-query";
import { useCallback, useSyncExternalStore } from "react";
import { ApiError, getJson } from "@/lib/ui/api";
import { fallbackInterval } from "@/lib/ui/live-connection";
import type { Timeline } from "@/lib/presenters/timeline";
import type { SkillBalance } from "@/lib/presenters/routing";
import { queryKeys } from "@/lib/ui/query-keys";
import { progressStore, type LiveProgress } from "@/lib/ui/progress-store";

export function useLiveProgress(taskId: string): LiveProgress | undefined {
  const subscribe = useCallback((listener: () => void) => progressStore().subscribe(taskId, listener), [taskId]);
  const get = useCallback(() => progressStore().get(taskId), [taskId]);
  return useSyncExternalStore(subscribe, get, () => undefined);
}

export interface StoredOutputText {
  text: string;
  attempt: number;
  totalBytes: number;
  droppedBytes: number;
}

async function fetchOutput(taskId: string, attempt: number): Promise<StoredOutputText> {
  const res = await fetch(`/api/tasks/${encodeURIComponent(taskId)}/output?attempt=${attempt}`, { cache: "no-store" });
  if (!res.ok) throw new ApiError(res.status, "http_error", `could not load the output (${res.status})`);
  return {
    text: await res.text(),
    attempt,
    totalBytes: Number(res.headers.get("x-output-bytes") ?? 0),
    droppedBytes: Number(res.headers.get("x-dropped-bytes") ?? 0),
  };
}

export function useStoredOutput(taskId: string, attempt: number | null, enabled = true) {
  const q = useQuery({
    queryKey: queryKeys.taskOutput(taskId, attempt ?? 0),
    queryFn: () => fetchOutput(taskId, attempt!),
    enabled: enabled && attempt !== null && attempt > 0,
    staleTime: 5_000,
  });
  return { output: q.data, isLoading: q.isPending && enabled && attempt !== null && attempt > 0, error: q.error, refetch: q.refetch };
}

export function useGoalTimeline(goalId: string, enabled = true) {
  const q = useQuery({
    queryKey: queryKeys.goalTimeline(goalId),
    queryFn: () => getJson<Timeline>(`/api/goals/${encodeURIComponent(goalId)}/timeline`),
    enabled,
    placeholderData: (previous) => previous,
    refetchInterval: fallbackInterval,
  });
  return { timeline: q.data, fetchedAt: q.dataUpdatedAt, isLoading: q.isPending && enabled, error: q.error };
}

export function useSkillBalance() {
  const q = useQuery({
    queryKey: [...queryKeys.agents(), "skills"] as const,
    queryFn: () => getJson<{ skills: SkillBalance[]; unroutable: number }>("/api/agents/skills"),
    refetchInterval: fallbackInterval,
  });
  return { skills: q.data?.skills ?? [], unroutable: q.data?.unroutable ?? 0, isLoading: q.isPending, error: q.error };
}
