"use client";
// The live socket of the dashboard (protocol: lib/realtime/protocol.ts): one connection
// per tab in the `all` room, plus the rooms of the goals on screen. Each event patches
// the cached goal at once and marks the query keys it touches stale (batched). After a
// reconnect it resumes after the last seq it applied; live and resumed events are merged
// by lib/realtime/catch-up.ts, so none is lost and none is applied twice.
import { createContext, useContext, useEffect, useRef, useState, useSyncExternalStore, type ReactNode } from "react";
import { useQueryClient, type QueryClient } from "@tanstack/react-query";
import { io, type Socket } from "socket.io-client";
import { beginResume, initialCatchUp, receiveLive, receiveResumed, type CatchUpState } from "@/lib/realtime/catch-up";
import type { ClientToServerEvents, ResumeReply, ServerToClientEvents } from "@/lib/realtime/protocol";
import { keyId, keysTouchedBy, patchGoal } from "@/lib/ui/event-effects";
import { agentNameIn } from "@/lib/ui/agent-name";
import { goalPatchLog } from "@/lib/ui/goal-patch-log";
import { isLiveConnected, setLiveConnected, subscribeLiveConnection } from "@/lib/ui/live-connection";
import { progressStore } from "@/lib/ui/progress-store";
import { queryKeys, type QueryKey } from "@/lib/ui/query-keys";
import type { GoalWithTasks, LiveEvent } from "@/lib/ui/types";

type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

interface LiveEvents {
  /** Join one goal's room while mounted; returns the leave. */
  watchGoal: (goalId: string) => () => void;
}

const LiveEventsContext = createContext<LiveEvents | null>(null);

/** How long a touched key may wait before it is refetched: heavy reads wait longer. */
function delayFor(key: QueryKey): number {
  if (key[1] === "tensor") return 3000;
  if (key[1] === "goals" && key[2] === "detail") return 1000;
  return 300;
}

class Invalidator {
  private pending = new Map<string, QueryKey>();
  private timers = new Map<number, ReturnType<typeof setTimeout>>();

  constructor(private readonly queryClient: QueryClient) {}

  add(key: QueryKey) {
    this.pending.set(keyId(key), key);
    const delay = delayFor(key);
    if (!this.timers.has(delay))
      this.timers.set(
        delay,
        setTimeout(() => this.flush(delay), delay),
      );
  }

  private flush(delay: number) {
    this.timers.delete(delay);
    for (const [id, key] of this.pending) {
      if (delayFor(key) !== delay) continue;
      this.pending.delete(id);
      void this.queryClient.invalidateQueries({ queryKey: key });
    }
  }

  stop() {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}

/**
 * Everything read before `since` may have missed an event: refetch it. A query still in
 * flight is refetched once it lands (not cancelled, so first renders are not delayed).
 */
function refreshReadsBefore(queryClient: QueryClient, since: number) {
  const cache = queryClient.getQueryCache();
  const waiting = new Set<string>();
  for (const query of cache.findAll({ queryKey: queryKeys.all })) {
    if (query.state.fetchStatus === "fetching") waiting.add(query.queryHash);
    else if (query.state.dataUpdatedAt > 0 && query.state.dataUpdatedAt < since)
      void queryClient.invalidateQueries({ queryKey: query.queryKey, exact: true });
  }
  if (waiting.size === 0) return;
  const stop = cache.subscribe((e) => {
    if (e.type !== "updated" || !waiting.has(e.query.queryHash) || e.query.state.fetchStatus === "fetching") return;
    waiting.delete(e.query.queryHash);
    void queryClient.invalidateQueries({ queryKey: e.query.queryKey, exact: true });
    if (waiting.size === 0) stop();
  });
}

export function LiveEventsProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const socketRef = useRef<LiveSocket | null>(null);
  const goalWatchers = useRef(new Map<string, number>());

  useEffect(() => {
    const socket: LiveSocket = io({ path: "/socket.io", transports: ["websocket", "polling"] });
    socketRef.current = socket;
    let catchUp: CatchUpState = initialCatchUp(0);
    const invalidator = new Invalidator(queryClient);
    let everConnected = false;

    const agentName = agentNameIn(queryClient);

    const apply = (event: LiveEvent) => {
      // Read by bench/goal-page.ts (socket → screen latency).
      performance.mark("switchyard:event", { detail: { seq: event.seq, type: event.type, subtask_id: event.subtask_id } });
      if (event.goal_id) {
        const key = queryKeys.goal(event.goal_id);
        goalPatchLog().applied(event, queryClient.getQueryCache().find({ queryKey: key, exact: true }) !== undefined);
        queryClient.setQueryData<GoalWithTasks>(key, (goal) => (goal ? patchGoal(goal, event, agentName) : goal));
      } else goalPatchLog().applied(event, false);
      for (const key of keysTouchedBy(event)) invalidator.add(key);
    };

    socket.on("event", (event) => {
      const step = receiveLive(catchUp, { ...event, seq: Number(event.seq), data: event.data ?? {} } as LiveEvent);
      catchUp = step.state;
      step.deliver.forEach(apply);
    });

    // Issue 9: progress reports of running attempts, on their own channel (not in the log).
    socket.on("progress", (pushes) => {
      const store = progressStore();
      for (const push of pushes) {
        const before = store.get(push.subtask_id)?.usage;
        const usageMoved =
          !before ||
          before.cost_usd !== push.usage.cost_usd ||
          before.input_tokens !== push.usage.input_tokens ||
          before.output_tokens !== push.usage.output_tokens;
        if (usageMoved && (push.usage.cost_usd > 0 || push.usage.input_tokens > 0 || push.usage.output_tokens > 0)) {
          invalidator.add(queryKeys.goal(push.goal_id));
          invalidator.add(queryKeys.task(push.subtask_id));
        }
      }
      store.apply(pushes);
      performance.mark("switchyard:progress", { detail: { n: pushes.length } });
    });

    const resume = () => {
      catchUp = beginResume(catchUp);
      socket.emit("resume", { after: catchUp.lastSeq }, (reply: ResumeReply) => {
        if (!reply.ok) {
          // Could not catch up from the log: refetch what is on screen instead.
          catchUp = { lastSeq: catchUp.lastSeq, resuming: false, held: [] };
          void queryClient.invalidateQueries({ queryKey: queryKeys.all });
          return;
        }
        const step = receiveResumed(catchUp, reply.events, reply.last_seq, reply.truncated);
        catchUp = step.state;
        step.deliver.forEach(apply);
        if (reply.truncated) resume();
      });
    };

    socket.on("connect", () => {
      for (const goalId of goalWatchers.current.keys()) socket.emit("subscribe", { goal_id: goalId });
      if (everConnected && catchUp.lastSeq > 0) {
        // Back after a drop: resume joins `all` again and answers with what we missed.
        resume();
      } else {
        // First connection (or nothing seen yet): join `all`, then refresh whatever was
        // read before the join, since it may predate an event we will never see.
        socket.emit("subscribe", {}, () => refreshReadsBefore(queryClient, Date.now()));
      }
      everConnected = true;
      setLiveConnected(true);
    });
    socket.on("disconnect", () => setLiveConnected(false));

    return () => {
      invalidator.stop();
      socket.removeAllListeners();
      socket.disconnect();
      socketRef.current = null;
      setLiveConnected(false);
    };
  }, [queryClient]);

  // One stable value for the provider's whole life (its functions read the refs when called, not during render).
  const [value] = useState<LiveEvents>(() => ({
    watchGoal: (goalId) => {
      const watchers = goalWatchers.current;
      const count = watchers.get(goalId) ?? 0;
      watchers.set(goalId, count + 1);
      if (count === 0 && socketRef.current?.connected) socketRef.current.emit("subscribe", { goal_id: goalId });
      return () => {
        const left = (watchers.get(goalId) ?? 1) - 1;
        if (left > 0) return void watchers.set(goalId, left);
        watchers.delete(goalId);
        if (socketRef.current?.connected) socketRef.current.emit("unsubscribe", { goal_id: goalId });
      };
    },
  }));

  return <LiveEventsContext.Provider value={value}>{children}</LiveEventsContext.Provider>;
}

/** Receive one goal's events (its room) while the calling component is mounted. */
export function useGoalLive(goalId: string) {
  const live = useContext(LiveEventsContext);
  useEffect(() => live?.watchGoal(goalId), [live, goalId]);
}

export function useLiveConnected(): boolean {
  return useSyncExternalStore(subscribeLiveConnection, isLiveConnected, () => false);
}
