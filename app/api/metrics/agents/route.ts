import { handler } from "@/lib/api/handler";
import { agentThroughputQuery } from "@/lib/api/schemas";
import { getAgentThroughput } from "@/lib/presenters/throughput";

// GET /api/metrics/agents – per-agent completions and failures per minute over the last N minutes
export const GET = handler({ query: agentThroughputQuery }, async ({ query }) => getAgentThroughput({ minutes: query.minutes }));
