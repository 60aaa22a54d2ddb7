import { handler } from "@/lib/api/handler";
import { idParams } from "@/lib/api/schemas";
import { getMasterPlanMarkdown } from "@/lib/presenters/master-plan";

// GET /api/goals/:id/plan.md – the goal as seed 003's markdown master plan, with status icons
export const GET = handler({ params: idParams }, async ({ params }) => {
  const markdown = await getMasterPlanMarkdown(params.id);
  return new Response(markdown, {
    headers: {
      "content-type": "text/markdown; charset=utf-8",
      "content-disposition": `inline; filename="plan-${params.id.slice(0, 8)}.md"`,
      "cache-control": "no-store",
    },
  });
});
