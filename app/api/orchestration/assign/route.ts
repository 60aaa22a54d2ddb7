import { handler } from "@/lib/api/handler";
import { presentAssignment } from "@/lib/api/present";
import { assignBody } from "@/lib/api/schemas";
import { assertSelf, assignAcrossAgents, pullTasks } from "@/lib/orchestration/assign-tasks";

// POST /api/orchestration/assign – an agent pulls work (with agent_id), or the operator assigns across all agents
export const POST = handler({ auth: "custom", body: assignBody }, async ({ body, requireAgent, requireOperator, actor }) => {
  if (body.agent_id) {
    const agent = await requireAgent();
    assertSelf(agent.id, body.agent_id);
    const assignments = await pullTasks({ agentId: agent.id, max: body.max });
    return { assignments: assignments.map(presentAssignment) };
  }
  requireOperator();
  const assignments = await assignAcrossAgents({ actor: actor(), limit: body.max });
  return { assignments: assignments.map(presentAssignment) };
});
