// The live patches applied to cached goals, kept for the goal reads in flight. A read of
// `GET /api/goals/:id` that began before an event was applied may land after it with what
// it read before: taken as is, it would undo the event on screen until the next refetch
// (and while the browser is offline, that refetch waits). So each read notes where the
// live stream stood when it began, and its answer gets the patches applied since replayed
// on it, in seq order; patchGoal skips those the answer already reflects (its `last_seq`
// and `reflected_seqs`: the server reads the goal and its tasks in one snapshot), so a
// patch never sets back a state the answer read newer.
import { goalStatusAfter, patchGoal, taskStatusAfter } from "@/lib/ui/event-effects";
import type { GoalWithTasks, LiveEvent } from "@/lib/ui/types";

/** How many patches are kept: a read that spans more is refetched anyway (its events marked it stale). */
const KEEP = 2_000;

export class GoalPatchLog {
  private patches: LiveEvent[] = [];
  private lastSeq = 0;

  constructor(private readonly keep = KEEP) {}

  /**
   * An event was applied to the cache (events arrive in seq order). `cached`: its goal has
   * a query (read or being read); the patches of goals nobody reads are not kept.
   */
  applied(event: LiveEvent, cached = true): void {
    this.lastSeq = Math.max(this.lastSeq, event.seq);
    if (!cached || !event.goal_id || (taskStatusAfter(event) === null && goalStatusAfter(event) === null)) return;
    this.patches.push(event);
    if (this.patches.length > this.keep * 2) this.patches = this.patches.slice(-this.keep);
  }

  /** Where the live stream stands: note it before a read starts. */
  mark(): number {
    return this.lastSeq;
  }

  /** The goal as read, with every patch applied after `mark` replayed on it. */
  replay(goal: GoalWithTasks, mark: number, agentName?: (agentId: string) => string | undefined): GoalWithTasks {
    let patched = goal;
    for (const event of this.patches) if (event.seq > mark && event.goal_id === goal.id) patched = patchGoal(patched, event, agentName);
    return patched;
  }
}

let log: GoalPatchLog | undefined;

/** The tab's one log (fed by lib/ui/live-events.tsx, read by useGoal). */
export function goalPatchLog(): GoalPatchLog {
  return (log ??= new GoalPatchLog());
}
