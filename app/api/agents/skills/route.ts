import { handler } from "@/lib/api/handler";
import { countUnroutable, skillBalance } from "@/lib/presenters/routing";

// GET /api/agents/skills – skills demanded by open tasks against those live agents offer, and how many tasks no live agent can take
export const GET = handler({}, async () => {
  const [skills, unroutable] = await Promise.all([skillBalance(), countUnroutable()]);
  return { skills, unroutable };
});
