import { handler, json } from "@/lib/api/handler";
import { registerBody } from "@/lib/api/schemas";
import { registerAgent } from "@/lib/orchestration/agents";

// POST /api/orchestration/register – register an agent; the token is shown only here
export const POST = handler({ auth: "public", body: registerBody }, async ({ body }) => {
  const agent = await registerAgent({ skills: body.skills, name: body.name, capacity: body.capacity, contextId: body.context_id });
  return json({ agent_id: agent.id, name: agent.name, token: agent.token, skills: agent.skills, capacity: agent.capacity }, 201);
});
