// Bulk actions by filter: retry, cancel, reassign or re-run every task a filter matches.
// The matching ids are read once (in id order); then they are worked through in bounded
// batches, each its own transaction, so a huge selection never holds one long lock and
// other goals' agents keep pulling. Each task goes through the same domain action as its
// single-task route (same checks, same events), inside a savepoint: a task the action
// refuses (409) is rolled back alone and reported as skipped with the reason. One audit
// event per batch (tasks.bulk) records the filter, the actor and the counts.
//
// A dry run answers how many tasks match, how many the action would change (by the
// transition table: the same status check the action makes first) and the first of them.
import type { Tx } from "@/lib/db";
import { db } from "@/lib/db";
import { withEvents, type DomainEvent, type Emit } from "@/lib/events/record";
import { SwitchyardError } from "@/lib/errors";
import { SUBTASK_TRANSITIONS, type BulkAction, type SubtaskStatus } from "@/lib/domain";
import { finalizeGoalIfDone } from "@/lib/orchestration/finalize-goal";
import { currentAgentOf, lockAgents } from "@/lib/orchestration/locks";
import { cancelTaskIn, reassignTaskIn, retryTaskIn } from "@/lib/orchestration/operator-actions";
import { rerunTaskIn } from "@/lib/orchestration/rerun-task";

export { BULK_ACTIONS, type BulkAction } from "@/lib/domain";

export interface BulkFilter {
  goal_id?: string;
  status?: SubtaskStatus[];
  /** Tasks that need this skill. */
  skill?: string;
  /** Tasks on this agent now, or whose latest attempt it ran. */
  agent_id?: string;
  key?: string;
}

export const BULK_LIMITS = { batchSize: 100, maxMatched: 100_000, sample: 20, reasonSamples: 5, changedList: 10_000 } as const;

export interface BulkTaskRef {
  uuid: string;
  goal_id: string;
  key: string;
  name: string;
  status: SubtaskStatus;
}

export interface BulkResult {
  action: BulkAction;
  dry_run: boolean;
  matched: number;
  /** Dry run: the first tasks that would change. */
  sample?: BulkTaskRef[];
  changed: number;
  skipped: number;
  skipped_reasons: Array<{ reason: string; count: number; tasks: string[] }>;
  batches: number;
  changed_tasks: string[];
}

interface Matched {
  id: string;
  goal_id: string;
  key: string;
  name: string;
  status: SubtaskStatus;
}

async function matchTasks(filter: BulkFilter): Promise<Matched[]> {
  return db().$queryRaw<Matched[]>`
    SELECT s.id, s.goal_id, s.key, s.name, s.status FROM subtasks s
    WHERE (${filter.goal_id ?? null}::uuid IS NULL OR s.goal_id = ${filter.goal_id ?? null}::uuid)
      AND (${filter.status ?? null}::text[] IS NULL OR s.status = ANY(${filter.status ?? null}::text[]))
      AND (${filter.skill ?? null}::text IS NULL OR ${filter.skill ?? null}::text = ANY(s.required_skills))
      AND (${filter.key ?? null}::text IS NULL OR s.key = ${filter.key ?? null}::text)
      AND (${filter.agent_id ?? null}::uuid IS NULL OR s.agent_id = ${filter.agent_id ?? null}::uuid OR EXISTS (
        SELECT 1 FROM attempts a WHERE a.subtask_id = s.id AND a.number = s.attempt AND a.agent_id = ${filter.agent_id ?? null}::uuid))
    ORDER BY s.id
    LIMIT ${BULK_LIMITS.maxMatched + 1}`;
}

const ALLOWED: Record<BulkAction, readonly SubtaskStatus[]> = SUBTASK_TRANSITIONS;

function statusReason(action: BulkAction, status: SubtaskStatus): string {
  return `the task is ${status.replace(/_/g, " ")}: ${action} applies to ${ALLOWED[action].map((s) => s.replace(/_/g, " ")).join(", ")} tasks`;
}

class Reasons {
  private readonly byReason = new Map<string, { count: number; tasks: string[] }>();
  add(reason: string, taskId: string) {
    const entry = this.byReason.get(reason) ?? { count: 0, tasks: [] };
    entry.count += 1;
    if (entry.tasks.length < BULK_LIMITS.reasonSamples) entry.tasks.push(taskId);
    this.byReason.set(reason, entry);
  }
  list() {
    return [...this.byReason].map(([reason, e]) => ({ reason, ...e })).sort((a, b) => b.count - a.count);
  }
}

async function applyOne(
  tx: Tx,
  emit: Emit,
  action: BulkAction,
  task: Matched,
  agentId: string | undefined,
  actor: string,
  now: Date,
): Promise<string | null> {
  switch (action) {
    case "retry":
      await retryTaskIn(tx, emit, { subtaskId: task.id, actor, now });
      return null;
    case "cancel":
      return (await cancelTaskIn(tx, emit, { subtaskId: task.id, actor, now })).goalId;
    case "reassign":
      await reassignTaskIn(tx, emit, { subtaskId: task.id, agentId: agentId!, actor, now });
      return null;
    case "rerun":
      await rerunTaskIn(tx, emit, { subtaskId: task.id, actor, now });
      return null;
  }
}

export async function bulkTasks(options: {
  action: BulkAction;
  filter: BulkFilter;
  agentId?: string;
  dryRun?: boolean;
  actor: string;
  now?: Date;
  batchSize?: number;
}): Promise<BulkResult> {
  const { action, filter } = options;
  const batchSize = options.batchSize ?? BULK_LIMITS.batchSize;
  const matched = await matchTasks(filter);
  if (matched.length > BULK_LIMITS.maxMatched) {
    throw new SwitchyardError("validation_failed", `the filter matches more than ${BULK_LIMITS.maxMatched} tasks: narrow it`, {
      field: "filter",
    });
  }
  const reasons = new Reasons();
  const eligible: Matched[] = [];
  for (const task of matched) {
    if (ALLOWED[action].includes(task.status)) eligible.push(task);
    else reasons.add(statusReason(action, task.status), task.id);
  }
  if (options.dryRun) {
    return {
      action,
      dry_run: true,
      matched: matched.length,
      sample: eligible
        .slice(0, BULK_LIMITS.sample)
        .map((t) => ({ uuid: t.id, goal_id: t.goal_id, key: t.key, name: t.name, status: t.status })),
      changed: eligible.length,
      skipped: matched.length - eligible.length,
      skipped_reasons: reasons.list(),
      batches: Math.ceil(eligible.length / batchSize),
      changed_tasks: [],
    };
  }

  const changed: string[] = [];
  let skipped = matched.length - eligible.length;
  let batches = 0;
  for (let start = 0; start < eligible.length; start += batchSize) {
    const batch = eligible.slice(start, start + batchSize);
    const outcome = await runBatch(batch, batches, options);
    batches += 1;
    changed.push(...outcome.changed);
    skipped += outcome.skipped.length;
    for (const s of outcome.skipped) reasons.add(s.reason, s.id);
    for (const goalId of outcome.finalize) await finalizeGoalIfDone(goalId, options.now ?? new Date());
  }
  return {
    action,
    dry_run: false,
    matched: matched.length,
    changed: changed.length,
    skipped,
    skipped_reasons: reasons.list(),
    batches,
    changed_tasks: changed.slice(0, BULK_LIMITS.changedList),
  };
}

/** One batch in one transaction. */
async function runBatch(batch: Matched[], index: number, options: Parameters<typeof bulkTasks>[0]) {
  const { action, filter, actor } = options;
  return await withEvents(async (tx, emit) => {
    const now = options.now ?? new Date();
    // Agents before tasks (lib/orchestration/locks.ts): every agent this batch may touch, in id order.
    await lockAgents(tx, [
      ...(await currentAgentOf(
        tx,
        batch.map((t) => t.id),
      )),
      options.agentId,
    ]);
    const changed: string[] = [];
    const skipped: Array<{ id: string; reason: string }> = [];
    const finalize = new Set<string>();
    // The events of the items that stood, not written yet: they go with the transaction's
    // last statement, or ahead of a later item's statement that writes events itself
    // (Emit.flush) — then inside that item's savepoint, so they are kept again when it rolls back.
    const kept: DomainEvent[] = [];
    for (const task of batch) {
      const events: DomainEvent[] = [];
      const carried: DomainEvent[] = [];
      const itemEmit = ((e: DomainEvent) => void events.push(e)) as Emit;
      itemEmit.flush = async (tx) => {
        const earlier = kept.splice(0);
        carried.push(...earlier);
        for (const e of [...earlier, ...events.splice(0)]) emit(e);
        await emit.flush(tx);
      };
      itemEmit.logged = () => emit.logged();
      await tx.$executeRawUnsafe("SAVEPOINT bulk_item");
      try {
        const goalToFinalize = await applyOne(tx, itemEmit, action, task, options.agentId, actor, now);
        await tx.$executeRawUnsafe("RELEASE SAVEPOINT bulk_item");
        kept.push(...events);
        changed.push(task.id);
        if (goalToFinalize) finalize.add(goalToFinalize);
      } catch (error) {
        if (!(error instanceof SwitchyardError)) throw error;
        await tx.$executeRawUnsafe("ROLLBACK TO SAVEPOINT bulk_item");
        kept.unshift(...carried);
        skipped.push({ id: task.id, reason: error.message.replaceAll(`task ${task.key}`, "the task") });
      }
    }
    for (const e of kept) emit(e);
    emit({
      type: "tasks.bulk",
      actor,
      goalId: filter.goal_id ?? null,
      agentId: options.agentId ?? null,
      data: {
        action,
        filter: filter as Record<string, unknown>,
        batch: index,
        changed: changed.length,
        skipped: skipped.length,
        agent_id: options.agentId ?? null,
      },
    });
    return { changed, skipped, finalize: [...finalize] };
  });
}
