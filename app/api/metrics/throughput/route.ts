import { handler } from "@/lib/api/handler";
import { throughputQuery } from "@/lib/api/schemas";
import { getThroughput } from "@/lib/presenters/throughput";

// GET /api/metrics/throughput – completions and failures per minute over the last N minutes (optionally of one agent)
export const GET = handler({ query: throughputQuery }, async ({ query }) =>
  getThroughput({ minutes: query.minutes, agentId: query.agent_id }),
);
