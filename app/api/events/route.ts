import { handler } from "@/lib/api/handler";
import { eventsQuery } from "@/lib/api/schemas";
import { readEvents } from "@/lib/events/read";

// GET /api/events – the event log after a seq, in order, never skipping one (catch-up for live clients)
export const GET = handler({ query: eventsQuery }, async ({ query }) =>
  readEvents({ after: query.after, goalId: query.goal_id, limit: query.limit }),
);
