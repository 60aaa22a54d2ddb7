import { handler } from "@/lib/api/handler";
import { db } from "@/lib/db";

// GET /api/health – liveness and database reachability
export const GET = handler({ auth: "public" }, async () => {
  await db().$queryRaw`SELECT 1`;
  return { status: "ok", time: new Date().toISOString() };
});
