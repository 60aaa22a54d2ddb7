import { handler, json } from "@/lib/api/handler";
import { registerBody } from "@/lib/api/schemas";
import { registerAgent } from "@/lib/orchestration/agents";
import { isRegistrationAllowed } from "@/lib/auth/operator";
import { SwitchyardError } from "@/lib/errors";
import { presentsCredentials, recordAuthFailure } from "@/lib/auth/auth-throttle";

// POST /api/orchestration/register – register an agent; the token is shown only here (needs SWITCHYARD_REGISTRATION_TOKEN when set)
export const POST = handler({ auth: "custom", body: registerBody }, async ({ req, body }) => {
  if (!isRegistrationAllowed(req)) {
    if (presentsCredentials(req)) recordAuthFailure(req);
    throw new SwitchyardError("unauthorized", "registration token required (Authorization: Bearer <SWITCHYARD_REGISTRATION_TOKEN>)", {
      field: "authorization",
    });
  }
  const agent = await registerAgent({ skills: body.skills, name: body.name, capacity: body.capacity, contextId: body.context_id });
  return json({ agent_id: agent.id, name: agent.name, token: agent.token, skills: agent.skills, capacity: agent.capacity }, 201);
});
