import { handler } from "@/lib/api/handler";
import { getStatus } from "@/lib/presenters/status";

// GET /api/orchestration/status – counts of agents, tasks and goals by status
export const GET = handler({}, async () => getStatus());
