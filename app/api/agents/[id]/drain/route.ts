import { handler } from "@/lib/api/handler";
import { idParams } from "@/lib/api/schemas";
import { drainBody } from "@/lib/api/schemas/steer";
import { setAgentDrained } from "@/lib/orchestration/drain-agent";
import { getAgent } from "@/lib/presenters/agents";

// POST /api/agents/:id/drain – the agent pulls no new work (running work finishes); operator assignment skips it
export const POST = handler({ params: idParams, body: drainBody }, async ({ params, actor }) => {
  await setAgentDrained({ agentId: params.id, drained: true, actor: actor() });
  return { agent: await getAgent(params.id) };
});
