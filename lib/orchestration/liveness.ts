// The liveness window, in one place: an agent is live while it is not removed, not marked
// offline (by the sweep), and its last heartbeat (any agent call counts) is at most
// HEARTBEAT_TIMEOUT_S old. The sweep marks agents past the window offline; readers treat
// them as offline at once, before the sweep has noticed.
import { Prisma } from "@/lib/db";
import { env } from "@/lib/env";

/** The start of the window at `now`: a heartbeat older than this is too old. */
export function liveSince(now: Date, timeoutS = env().HEARTBEAT_TIMEOUT_S): Date {
  return new Date(now.getTime() - timeoutS * 1000);
}

/** Whether an agent, as read from its row, is live at `now`. */
export function isLive(agent: { offline: boolean; removed?: boolean; last_heartbeat_at: Date }, now: Date): boolean {
  return !agent.removed && !agent.offline && agent.last_heartbeat_at.getTime() >= liveSince(now).getTime();
}

/** The same test as a condition on the columns of `agents` (unqualified). */
export function liveAgentSql(now: Date): Prisma.Sql {
  return Prisma.sql`NOT removed AND NOT offline AND last_heartbeat_at >= ${liveSince(now)}`;
}
