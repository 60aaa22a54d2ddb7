import { handler } from "@/lib/api/handler";
import { agentIdBody } from "@/lib/api/schemas";
import { unregisterAgent } from "@/lib/orchestration/agents";
import { assertSelf } from "@/lib/orchestration/assign-tasks";

// POST /api/orchestration/unregister – an agent leaves; its running tasks go back to the pool
export const POST = handler({ auth: "agent", body: agentIdBody }, async ({ body, requireAgent }) => {
  const agent = await requireAgent();
  assertSelf(agent.id, body.agent_id);
  const gone = await unregisterAgent(agent.id, `agent:${agent.id}`);
  return { agent_id: gone.agentId, released: gone.released };
});
