import { handler } from "@/lib/api/handler";
import { idParams } from "@/lib/api/schemas";
import { drainBody } from "@/lib/api/schemas/steer";
import { setAgentDrained } from "@/lib/orchestration/drain-agent";
import { getAgent } from "@/lib/presenters/agents";

// POST /api/agents/:id/undrain – a drained agent takes new work again
export const POST = handler({ params: idParams, body: drainBody }, async ({ params, actor }) => {
  await setAgentDrained({ agentId: params.id, drained: false, actor: actor() });
  return { agent: await getAgent(params.id) };
});
