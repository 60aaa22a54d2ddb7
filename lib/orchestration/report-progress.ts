// An agent reports how its running attempt is going: progress (0..1), a message, output
// to append to the attempt's stored tail, usage to add. Fenced like `complete`: only the
// task's current attempt, still running, may report (409 otherwise). Nothing is written
// to the event log for it (reports are many): the report is pushed live on its own
// channel after the commit (lib/realtime/server.ts), and a budget it passes pauses the
// goal in the same transaction (that does write events).
import { SwitchyardError } from "@/lib/errors";
import { withEvents } from "@/lib/events/record";
import { eventBus, PROGRESS_REPORTED } from "@/lib/events/bus";
import { recordAgentUsage } from "@/lib/metrics";
import { lockReport, staleAttempt } from "@/lib/orchestration/report-result";
import { appendOutput, appendOutputCtes, OUTPUT_CHUNK_MAX_BYTES, OUTPUT_KEEP_BYTES } from "@/lib/orchestration/task-output";
import { db, Prisma } from "@/lib/db";
import { hasUsage, recordUsage, type Usage } from "@/lib/orchestration/usage";
import { pauseForBudget } from "@/lib/orchestration/budget";
import { PROGRESS_PUSH_OUTPUT_CHARS, type ProgressPush } from "@/lib/realtime/protocol";

export interface ProgressReport {
  subtaskId: string;
  agentId: string;
  attempt?: number;
  progress?: number;
  message?: string;
  output?: string;
  usage?: Usage;
  now?: Date;
}

export async function reportProgress(report: ProgressReport): Promise<ProgressPush & { goal_paused: boolean }> {
  const now = report.now ?? new Date();
  if (report.output !== undefined) {
    const bytes = Buffer.byteLength(report.output, "utf8");
    if (bytes > OUTPUT_CHUNK_MAX_BYTES) {
      throw new SwitchyardError(
        "payload_too_large",
        `output: ${bytes} bytes in one report; send at most ${OUTPUT_CHUNK_MAX_BYTES} bytes per report`,
        { field: "output" },
      );
    }
  }
  const actor = `agent:${report.agentId}`;
  // The common report (no usage) is one statement; a refusal, or usage, takes the full path.
  const fast = hasUsage(report.usage) ? null : await reportInOneStatement(report, now);
  const push =
    fast ??
    (await withEvents(async (tx, emit) => {
      const { task, attempt } = await lockReport(tx, report);
      if (attempt.outcome !== "running" || attempt.number !== task.attempt || task.status !== "running") throw staleAttempt(task, attempt);
      const rows = await tx.$queryRaw<Array<{ progress: number | null; message: string | null }>>`
      UPDATE attempts SET progress = COALESCE(${report.progress ?? null}::float8, progress), message = COALESCE(${report.message ?? null}, message), progress_at = ${now}
      WHERE subtask_id = ${task.id}::uuid AND number = ${attempt.number}
      RETURNING progress, message`;
      let stored = { totalBytes: 0, droppedBytes: 0 };
      if (report.output) {
        stored = await appendOutput(tx, { subtaskId: task.id, attempt: attempt.number, chunk: report.output, now });
      } else {
        const out = await tx.$queryRaw<Array<{ total_bytes: bigint; dropped_bytes: bigint }>>`
        SELECT total_bytes, dropped_bytes FROM task_outputs WHERE subtask_id = ${task.id}::uuid AND attempt = ${attempt.number}`;
        if (out[0]) stored = { totalBytes: Number(out[0].total_bytes), droppedBytes: Number(out[0].dropped_bytes) };
      }
      const passed = hasUsage(report.usage)
        ? (
            await recordUsage(tx, emit, {
              goalId: task.goal_id,
              subtaskId: task.id,
              attempt: attempt.number,
              agentId: report.agentId,
              usage: report.usage,
              actor,
              now,
            })
          ).passed
        : false;
      const usage = await tx.$queryRaw<Array<{ input_tokens: bigint; output_tokens: bigint; cost_usd: number; model: string | null }>>`
      SELECT input_tokens, output_tokens, cost_usd, model FROM attempts WHERE subtask_id = ${task.id}::uuid AND number = ${attempt.number}`;
      const output = report.output ?? "";
      return {
        goal_id: task.goal_id,
        subtask_id: task.id,
        attempt: attempt.number,
        progress: rows[0]?.progress ?? null,
        message: rows[0]?.message ?? null,
        output: output.length > PROGRESS_PUSH_OUTPUT_CHARS ? output.slice(-PROGRESS_PUSH_OUTPUT_CHARS) : output,
        output_truncated: output.length > PROGRESS_PUSH_OUTPUT_CHARS,
        output_bytes: stored.totalBytes,
        dropped_bytes: stored.droppedBytes,
        usage: {
          input_tokens: Number(usage[0]?.input_tokens ?? 0),
          output_tokens: Number(usage[0]?.output_tokens ?? 0),
          cost_usd: usage[0]?.cost_usd ?? 0,
          model: usage[0]?.model ?? null,
        },
        at: now.toISOString(),
        goal_paused: passed,
      };
    }));
  // Passed the budget: paused now (by this call, or a concurrent report already did).
  if (push.goal_paused) await pauseForBudget(push.goal_id, actor, now);
  if (!fast && report.usage) recordAgentUsage(report.agentId, report.usage);
  const { goal_paused: _paused, ...live } = push;
  eventBus().emit(PROGRESS_REPORTED, live);
  return push;
}

type Pushed = ProgressPush & { goal_paused: boolean };

/**
 * A report without usage in one statement. The attempt row is the fence: it is locked and
 * re-checked under the lock (the caller's, still running, the task's current one), and it
 * is the only lock taken, so this cannot wait on anything holding agent or task rows while
 * holding one of its own. No row: refused (or raced); the full path says why.
 */
async function reportInOneStatement(report: ProgressReport, now: Date): Promise<Pushed | null> {
  const chunk = Buffer.from(report.output ?? "", "utf8");
  const keep = OUTPUT_KEEP_BYTES;
  const rows = await db().$queryRaw<
    Array<{
      goal_id: string;
      number: number;
      progress: number | null;
      message: string | null;
      input_tokens: bigint;
      output_tokens: bigint;
      cost_usd: number;
      model: string | null;
      total_bytes: bigint | null;
      dropped_bytes: bigint | null;
    }>
  >`
    WITH a AS (
      SELECT t.subtask_id, t.number, s.goal_id FROM attempts t JOIN subtasks s ON s.id = t.subtask_id
      WHERE t.subtask_id = ${report.subtaskId}::uuid AND t.agent_id = ${report.agentId}::uuid AND t.outcome = 'running'
        AND s.status = 'running' AND t.number = s.attempt AND (${report.attempt ?? null}::int IS NULL OR t.number = ${report.attempt ?? null}::int)
      FOR UPDATE OF t
    ), upd AS (
      UPDATE attempts t SET progress = COALESCE(${report.progress ?? null}::float8, t.progress), message = COALESCE(${report.message ?? null}, t.message), progress_at = ${now}
      FROM a WHERE t.subtask_id = a.subtask_id AND t.number = a.number
      RETURNING t.number, t.progress, t.message, t.input_tokens, t.output_tokens, t.cost_usd, t.model
    ), ${appendOutputCtes(Prisma.sql`SELECT subtask_id, number FROM a`, chunk, keep, now)}
    SELECT a.goal_id, upd.number, upd.progress, upd.message, upd.input_tokens, upd.output_tokens, upd.cost_usd, upd.model,
      oc.total_bytes, oc.dropped_bytes
    FROM a JOIN upd ON upd.number = a.number LEFT JOIN out_counts oc ON oc.subtask_id = a.subtask_id AND oc.attempt = a.number`;
  const r = rows[0];
  if (!r) return null;
  const output = report.output ?? "";
  return {
    goal_id: r.goal_id,
    subtask_id: report.subtaskId,
    attempt: r.number,
    progress: r.progress,
    message: r.message,
    output: output.length > PROGRESS_PUSH_OUTPUT_CHARS ? output.slice(-PROGRESS_PUSH_OUTPUT_CHARS) : output,
    output_truncated: output.length > PROGRESS_PUSH_OUTPUT_CHARS,
    output_bytes: Number(r.total_bytes ?? 0),
    dropped_bytes: Number(r.dropped_bytes ?? 0),
    usage: { input_tokens: Number(r.input_tokens), output_tokens: Number(r.output_tokens), cost_usd: r.cost_usd, model: r.model },
    at: now.toISOString(),
    goal_paused: false,
  };
}
