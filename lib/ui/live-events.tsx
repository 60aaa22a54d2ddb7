"use client";
// The live socket of the dashboard: one connection per tab, subscribed to the global
// channel and to the goals on screen. Each event patches the cached goal at once and
// marks the query keys it touches stale (batched); a reconnect resumes after the last
// seq seen, so no event is lost and none is applied twice.
import { createContext, useContext, useEffect, useRef, useSyncExternalStore, type ReactNode } from "react";
import { useQueryClient, type QueryClient } from "@tanstack/react-query";
import { io, type Socket } from "socket.io-client";
import { keyId, keysTouchedBy, patchGoal, SeqTracker } from "@/lib/ui/event-effects";
import { isLiveConnected, setLiveConnected, subscribeLiveConnection } from "@/lib/ui/live-connection";
import { queryKeys, type QueryKey } from "@/lib/ui/query-keys";
import type { Agent, GoalWithTasks, LiveEvent } from "@/lib/ui/types";

interface LiveEvents {
  /** Watch one goal's room while mounted; returns the unsubscribe. */
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
    if (!this.timers.has(delay)) this.timers.set(delay, setTimeout(() => this.flush(delay), delay));
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

function isLiveEvent(value: unknown): value is LiveEvent {
  const e = value as LiveEvent;
  return typeof e === "object" && e !== null && typeof e.type === "string" && (typeof e.seq === "number" || typeof e.seq === "string");
}

export function LiveEventsProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const socketRef = useRef<Socket | null>(null);
  const goalWatchers = useRef(new Map<string, number>());

  useEffect(() => {
    const socket = io({ path: "/socket.io", transports: ["websocket", "polling"] });
    socketRef.current = socket;
    const tracker = new SeqTracker();
    const invalidator = new Invalidator(queryClient);
    let everConnected = false;

    const agentName = (agentId: string) => queryClient.getQueryData<{ agents: Agent[] }>(queryKeys.agentList())?.agents.find((a) => a.id === agentId)?.name;

    const apply = (raw: unknown) => {
      if (!isLiveEvent(raw)) return;
      const event = { ...raw, seq: Number(raw.seq), data: raw.data ?? {} };
      if (!tracker.accept(event.seq)) return;
      if (event.goal_id) {
        queryClient.setQueryData<GoalWithTasks>(queryKeys.goal(event.goal_id), (goal) => (goal ? patchGoal(goal, event, agentName) : goal));
      }
      for (const key of keysTouchedBy(event)) invalidator.add(key);
    };

    const subscribeAll = () => {
      socket.emit("subscribe", {});
      for (const goalId of goalWatchers.current.keys()) socket.emit("subscribe", { goal_id: goalId });
    };

    socket.on("event", apply);
    socket.on("connect", () => {
      const connectedAt = Date.now();
      subscribeAll();
      if (everConnected) {
        // Back after a drop: ask for what we missed (also replayed as `event`s, some maybe
        // through the ack), and refetch what is on screen in case the log was trimmed.
        const replay = (reply: unknown) => {
          const events = (reply as { events?: unknown[] } | undefined)?.events;
          if (Array.isArray(events)) for (const e of events) apply(e);
        };
        socket.emit("resume", { after: tracker.last }, replay);
        for (const goalId of goalWatchers.current.keys()) socket.emit("resume", { after: tracker.last, goal_id: goalId }, replay);
        void queryClient.invalidateQueries({ queryKey: queryKeys.all });
      } else {
        // Whatever was fetched before the subscription may have missed an event.
        void queryClient.invalidateQueries({ queryKey: queryKeys.all, predicate: (q) => q.state.dataUpdatedAt > 0 && q.state.dataUpdatedAt < connectedAt });
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

  const value = useRef<LiveEvents>({
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
  }).current;

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
