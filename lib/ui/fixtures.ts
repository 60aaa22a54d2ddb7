// Fixtures of the dashboard's pure tests: a goal of two tasks (T1 pending, T2 waiting on it) and its events.
import type { GoalWithTasks, LiveEvent, Task } from "@/lib/ui/types";

export const G = "11111111-1111-4111-8111-111111111111";
export const T1 = "22222222-2222-4222-8222-222222222222";
export const T2 = "33333333-3333-4333-8333-333333333333";
export const A = "44444444-4444-4444-8444-444444444444";

let lastSeq = 0;

/** A live event; without a seq, the next one (events arrive in seq order, and a goal skips one it already holds). */
export function event(partial: Partial<Omit<LiveEvent, "type" | "data">> & { type: string; data?: Record<string, unknown> }): LiveEvent {
  return {
    seq: ++lastSeq,
    goal_id: null,
    subtask_id: null,
    agent_id: null,
    actor: "system",
    data: {},
    created_at: "2026-01-01T00:00:00.000Z",
    ...partial,
  } as LiveEvent;
}

function task(uuid: string, status: Task["status"]): Task {
  return {
    uuid,
    goal_id: G,
    key: uuid === T1 ? "T-01" : "T-02",
    name: "n",
    description: "",
    required_skills: [],
    priority: "MEDIUM",
    priority_level: 2,
    estimated_duration_s: 60,
    critical_path_s: 60,
    status,
    attempt: 0,
    failures: 0,
    max_attempts: 3,
    timeout_s: 600,
    agent_id: null,
    agent_name: null,
    result: null,
    error: null,
    dependencies: [],
    created_at: "",
    ready_at: null,
    started_at: null,
    finished_at: null,
    deadline_at: null,
    next_attempt_at: null,
    kind: "task",
    spawned_by: null,
    held: false,
    approval: false,
    output_schema: null,
    progress: null,
    message: null,
    unroutable: false,
  };
}

export function goal(): GoalWithTasks {
  const counts = {
    waiting: 1,
    pending: 1,
    running: 0,
    completed: 0,
    failed: 0,
    retrying: 0,
    cancelled: 0,
    skipped: 0,
    awaiting_approval: 0,
    total: 2,
  };
  return {
    id: G,
    goal: "g",
    context: null,
    status: "running",
    pause_reason: null,
    template: "explicit",
    aggregation: "concat",
    created_at: "",
    started_at: null,
    finished_at: null,
    elapsed_ms: 0,
    tasks: counts,
    progress: 0,
    result: null,
    usage: { input_tokens: 0, output_tokens: 0, cost_usd: 0 },
    budget: null,
    unroutable: [],
    subtasks: [task(T1, "pending"), task(T2, "waiting")],
    edges: [{ from: T1, to: T2 }],
    last_seq: 0,
    reflected_seqs: [],
  };
}
