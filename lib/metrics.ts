// Prometheus metrics (prom-client), served by GET /api/metrics. One registry per process,
// kept on globalThis because Next bundles route handlers separately from server.ts and
// both must count into the same series. Gauges of state (tasks by state, live agents)
// are read from the database at scrape time, so every instance reports the same truth;
// counters and the histogram count what this instance did.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { db } from "@/lib/db";
import { SUBTASK_STATUSES } from "@/lib/domain";
import { liveAgentSql } from "@/lib/orchestration/liveness";

/** The series of the tasks-by-state gauge: every subtask status. */
export const TASK_STATES = SUBTASK_STATUSES;

interface Metrics {
  registry: Registry;
  assignments: Counter<"via">;
  completions: Counter<"outcome">;
  assignLatency: Histogram<"via">;
  eventFanout: Counter;
}

const holder = globalThis as unknown as { __switchyardMetrics?: Metrics };

function create(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "switchyard_" });
  new Gauge({
    name: "switchyard_tasks",
    help: "Subtasks by state (every goal), read from the database at scrape time",
    labelNames: ["state"],
    registers: [registry],
    async collect() {
      const rows = await db().$queryRaw<
        Array<{ status: string; n: number }>
      >`SELECT status, count(*)::int AS n FROM subtasks GROUP BY status`;
      const counts = new Map(rows.map((r) => [r.status, r.n]));
      for (const state of TASK_STATES) this.set({ state }, counts.get(state) ?? 0);
    },
  });
  new Gauge({
    name: "switchyard_live_agents",
    help: "Registered agents that are online and heartbeating, read from the database at scrape time",
    registers: [registry],
    async collect() {
      const rows = await db().$queryRaw<Array<{ n: number }>>`SELECT count(*)::int AS n FROM agents WHERE ${liveAgentSql(new Date())}`;
      this.set(rows[0]?.n ?? 0);
    },
  });
  return {
    registry,
    assignments: new Counter({
      name: "switchyard_assignments_total",
      help: "Task attempts started by this instance",
      labelNames: ["via"],
      registers: [registry],
    }),
    completions: new Counter({
      name: "switchyard_completions_total",
      help: "Task completion reports handled by this instance (accepted, repeated or refused)",
      labelNames: ["outcome"],
      registers: [registry],
    }),
    assignLatency: new Histogram({
      name: "switchyard_assignment_duration_seconds",
      help: "Time spent in one assign call (pull by an agent or operator assign), transaction included",
      labelNames: ["via"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    eventFanout: new Counter({
      name: "switchyard_event_fanout_total",
      help: "Event deliveries to live clients (one event to n sockets counts n)",
      registers: [registry],
    }),
  };
}

export function metrics(): Metrics {
  holder.__switchyardMetrics ??= create();
  return holder.__switchyardMetrics;
}

/** An assign call handed out `count` attempts in `seconds`. */
export function recordAssignments(via: "pull" | "operator", count: number, seconds: number): void {
  const m = metrics();
  if (count > 0) m.assignments.inc({ via }, count);
  m.assignLatency.observe({ via }, seconds);
}

export function recordCompletions(outcome: "accepted" | "repeated" | "refused", count = 1): void {
  if (count > 0) metrics().completions.inc({ outcome }, count);
}

/** For the realtime relay: `n` event deliveries to clients. */
export function recordEventFanout(n: number): void {
  if (n > 0) metrics().eventFanout.inc(n);
}

export async function renderMetrics(): Promise<{ body: string; contentType: string }> {
  ensureUsageMetrics();
  const { registry } = metrics();
  return { body: await registry.metrics(), contentType: registry.contentType };
}

// ---------------------------------------------------------------------------------------
// Issue 9: tokens and cost reported by agents (counters of this instance, by agent id),
// and tasks no live agent can take (a gauge read at scrape time).
interface UsageMetrics {
  tokens: Counter<"agent" | "kind">;
  cost: Counter<"agent">;
}
const usageHolder = globalThis as unknown as { __switchyardUsageMetrics?: UsageMetrics };

function usageMetrics(): UsageMetrics {
  if (usageHolder.__switchyardUsageMetrics) return usageHolder.__switchyardUsageMetrics;
  const { registry } = metrics();
  const created: UsageMetrics = {
    tokens: new Counter({
      name: "switchyard_agent_tokens_total",
      help: "Tokens agents reported (kind: input or output), by agent id",
      labelNames: ["agent", "kind"],
      registers: [registry],
    }),
    cost: new Counter({
      name: "switchyard_agent_cost_usd_total",
      help: "Cost in US dollars agents reported, by agent id",
      labelNames: ["agent"],
      registers: [registry],
    }),
  };
  new Gauge({
    name: "switchyard_unroutable_tasks",
    help: "Open tasks whose required skills no live agent covers, read from the database at scrape time",
    registers: [registry],
    async collect() {
      const { countUnroutable } = await import("@/lib/presenters/routing");
      this.set(await countUnroutable());
    },
  });
  usageHolder.__switchyardUsageMetrics = created;
  return created;
}

/** Registers the usage series so a scrape shows them before the first report. */
export function ensureUsageMetrics(): void {
  usageMetrics();
}

export function recordAgentUsage(agentId: string, usage: { input_tokens?: number; output_tokens?: number; cost_usd?: number }): void {
  const m = usageMetrics();
  if (usage.input_tokens) m.tokens.inc({ agent: agentId, kind: "input" }, usage.input_tokens);
  if (usage.output_tokens) m.tokens.inc({ agent: agentId, kind: "output" }, usage.output_tokens);
  if (usage.cost_usd) m.cost.inc({ agent: agentId }, usage.cost_usd);
}
