import { handler } from "@/lib/api/handler";
import { renderMetrics } from "@/lib/metrics";

// GET /api/metrics – Prometheus text format: tasks by state, live agents, assignments, completions, assign latency, event fan-out
export const GET = handler({}, async () => {
  const { body, contentType } = await renderMetrics();
  return new Response(body, { headers: { "content-type": contentType, "cache-control": "no-store" } });
});
