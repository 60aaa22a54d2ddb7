import { handler } from "@/lib/api/handler";
import { listAgents } from "@/lib/presenters/agents";

// GET /api/agents – registered agents with status, load and counters
export const GET = handler({}, async () => ({ agents: await listAgents() }));
