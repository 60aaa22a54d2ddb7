// Read models of agents, with status derived from heartbeats and counters.
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { agentStatus } from "@/lib/orchestration/types";
import { isLive } from "@/lib/orchestration/liveness";
import type { Columns } from "@/lib/db/rows";

type AgentRow = Columns<
  "agents",
  | "id"
  | "name"
  | "skills"
  | "capacity"
  | "context_id"
  | "running"
  | "tasks_done"
  | "tasks_failed"
  | "total_duration_ms"
  | "offline"
  | "drained"
  | "registered_at"
  | "last_heartbeat_at"
  | "input_tokens"
  | "output_tokens"
  | "cost_usd"
>;

export async function listAgents(options: { includeRemoved?: boolean; agentId?: string; now?: Date } = {}) {
  const now = options.now ?? new Date();
  const rows = await db().$queryRaw<AgentRow[]>`
    SELECT id, name, skills, capacity, context_id, running, tasks_done, tasks_failed, total_duration_ms, offline, drained, registered_at, last_heartbeat_at,
      input_tokens, output_tokens, cost_usd
    FROM agents WHERE (${options.includeRemoved ?? false} OR NOT removed) AND (${options.agentId ?? null}::uuid IS NULL OR id = ${options.agentId ?? null}::uuid)
    ORDER BY registered_at, id`;
  return rows.map((a) => {
    const heartbeatAgeMs = now.getTime() - a.last_heartbeat_at.getTime();
    // Offline as soon as the window has passed, even before the sweep has noticed.
    const offline = !isLive(a, now);
    return {
      id: a.id,
      name: a.name,
      skills: a.skills,
      capacity: a.capacity,
      context_id: a.context_id,
      status: agentStatus({ offline, running: a.running, draining: a.drained }),
      running: a.running,
      drained: a.drained,
      load: a.running / a.capacity,
      tasks_done: a.tasks_done,
      tasks_failed: a.tasks_failed,
      mean_duration_ms: a.tasks_done > 0 ? Number(a.total_duration_ms) / a.tasks_done : null,
      registered_at: a.registered_at,
      last_heartbeat_at: a.last_heartbeat_at,
      heartbeat_age_ms: heartbeatAgeMs,
      usage: { input_tokens: Number(a.input_tokens), output_tokens: Number(a.output_tokens), cost_usd: a.cost_usd },
    };
  });
}

export type AgentView = Awaited<ReturnType<typeof listAgents>>[number];

/** One agent (removed ones included), as the list shows it. */
export async function getAgent(agentId: string): Promise<AgentView> {
  const agent = (await listAgents({ includeRemoved: true, agentId }))[0];
  if (!agent) throw notFound("agent", agentId, "id");
  return agent;
}
