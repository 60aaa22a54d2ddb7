// Draining an agent: it pulls no new work (what it runs finishes and reports; what the
// operator already handed it is still delivered) and the operator's assignment skips
// it. Undrain reverses it. The flag is read by the claim under the agent's row lock, so
// a pull racing a drain either started before it (and was allowed) or sees it.
import { withEvents } from "@/lib/events/record";
import { conflict, notFound } from "@/lib/errors";

export interface DrainResult {
  agentId: string;
  drained: boolean;
  running: number;
}

export async function setAgentDrained(options: { agentId: string; drained: boolean; actor: string }): Promise<DrainResult> {
  const { agentId, drained, actor } = options;
  return withEvents(async (tx, emit) => {
    const rows = await tx.$queryRaw<Array<{ drained: boolean; running: number; name: string }>>`
      SELECT drained, running, name FROM agents WHERE id = ${agentId}::uuid AND NOT removed FOR UPDATE`;
    const agent = rows[0];
    if (!agent) throw notFound("agent", agentId, "id");
    if (agent.drained === drained) throw conflict(`agent ${agent.name} is ${drained ? "already drained" : "not drained"}`);
    await tx.$executeRaw`UPDATE agents SET drained = ${drained} WHERE id = ${agentId}::uuid`;
    if (drained) emit({ type: "agent.drained", actor, agentId, data: { drained: true, running: agent.running } });
    else emit({ type: "agent.undrained", actor, agentId, data: { drained: false, running: agent.running } });
    return { agentId, drained, running: agent.running };
  });
}
