// Agent lifecycle: register, heartbeat, unregister.
import { randomUUID } from "node:crypto";
import { formatAgentToken, newAgentSecret } from "@/lib/auth/agent-token";
import { withEvents } from "@/lib/events/record";
import { notFound } from "@/lib/errors";
import { requeueAgentTasks } from "@/lib/orchestration/requeue";
import { agentStatus, type AgentStatus } from "@/lib/orchestration/types";
import type { Columns } from "@/lib/db/rows";

export interface RegisteredAgent {
  id: string;
  name: string;
  token: string;
  skills: string[];
  capacity: number;
}

export async function registerAgent(options: {
  skills: string[];
  name?: string;
  capacity?: number;
  contextId?: string;
  actor?: string;
}): Promise<RegisteredAgent> {
  const id = randomUUID();
  const { secret, hash } = newAgentSecret();
  const skills = [...new Set(options.skills)];
  const name = options.name ?? `agent-${id.slice(0, 8)}`;
  const capacity = options.capacity ?? 1;
  await withEvents(async (tx, emit) => {
    await tx.$executeRaw`
      INSERT INTO agents (id, name, skills, capacity, context_id, token_hash)
      VALUES (${id}::uuid, ${name}, ${skills}::text[], ${capacity}, ${options.contextId ?? null}, ${hash})`;
    emit({ type: "agent.registered", actor: options.actor ?? `agent:${id}`, agentId: id, data: { name, skills, capacity } });
  });
  return { id, name, token: formatAgentToken(id, secret), skills, capacity };
}

export async function heartbeatAgent(agentId: string, now = new Date()): Promise<{ agentId: string; status: AgentStatus }> {
  return withEvents(async (tx, emit) => {
    const rows = await tx.$queryRaw<Array<Columns<"agents", "running"> & { was_offline: boolean }>>`
      UPDATE agents a SET last_heartbeat_at = ${now}, offline = false
      FROM (SELECT id, offline FROM agents WHERE id = ${agentId}::uuid AND NOT removed FOR UPDATE) old
      WHERE a.id = old.id
      RETURNING a.running, old.offline AS was_offline`;
    const row = rows[0];
    if (!row) throw notFound("agent", agentId, "agent_id");
    if (row.was_offline) emit({ type: "agent.online", actor: `agent:${agentId}`, agentId });
    return { agentId, status: agentStatus({ offline: false, running: row.running }) };
  });
}

export async function unregisterAgent(agentId: string, actor: string, now = new Date()): Promise<{ agentId: string; released: string[] }> {
  return withEvents(async (tx, emit) => {
    const agent = await tx.$queryRaw<Array<{ id: string }>>`SELECT id FROM agents WHERE id = ${agentId}::uuid AND NOT removed FOR UPDATE`;
    if (agent.length === 0) throw notFound("agent", agentId, "agent_id");
    const released = await requeueAgentTasks(tx, emit, agentId, "unregistered", actor, now);
    await tx.$executeRaw`UPDATE agents SET removed = true, offline = true, running = 0 WHERE id = ${agentId}::uuid`;
    emit({ type: "agent.unregistered", actor, agentId, data: { released: released.length } });
    return { agentId, released };
  });
}
