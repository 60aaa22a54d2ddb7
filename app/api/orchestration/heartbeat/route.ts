import { handler } from "@/lib/api/handler";
import { agentIdBody } from "@/lib/api/schemas";
import { heartbeatAgent } from "@/lib/orchestration/agents";
import { assertSelf } from "@/lib/orchestration/assign-tasks";

// POST /api/orchestration/heartbeat – an agent says it is alive
export const POST = handler({ auth: "agent", body: agentIdBody }, async ({ body, requireAgent }) => {
  const agent = await requireAgent();
  assertSelf(agent.id, body.agent_id);
  const beat = await heartbeatAgent(agent.id);
  return { agent_id: beat.agentId, status: beat.status };
});
