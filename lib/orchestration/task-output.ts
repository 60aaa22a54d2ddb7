// The output each attempt streams, kept bounded: the last OUTPUT_KEEP_BYTES bytes, with
// a count of what was cut from the front, so a reload or a later look shows the tail and
// says how much is missing. Bytes (bytea), not characters: the bound is exact.
import type { Tx } from "@/lib/db";
import { db, Prisma } from "@/lib/db";

export const OUTPUT_KEEP_BYTES = 256 * 1024;
/** One progress report carries at most this much output (413 above). */
export const OUTPUT_CHUNK_MAX_BYTES = 64 * 1024;

export interface StoredOutput {
  attempt: number;
  text: string;
  totalBytes: number;
  droppedBytes: number;
}

/**
 * The conflict clause of an insert into `task_outputs AS o` (subtask_id, attempt, content, …):
 * the new content goes after the stored one and only the last `keep` bytes stay, the cut
 * counted in dropped_bytes. appendOutput and the one-statement progress report both use it.
 */
export function appendKeepingTail(keep: number): Prisma.Sql {
  return Prisma.sql`ON CONFLICT (subtask_id, attempt) DO UPDATE SET
      content = CASE WHEN octet_length(o.content) + octet_length(EXCLUDED.content) > ${keep}
        THEN substring(o.content || EXCLUDED.content FROM octet_length(o.content) + octet_length(EXCLUDED.content) - ${keep} + 1)
        ELSE o.content || EXCLUDED.content END,
      dropped_bytes = o.dropped_bytes + GREATEST(octet_length(o.content) + octet_length(EXCLUDED.content) - ${keep}, 0),
      total_bytes = o.total_bytes + octet_length(EXCLUDED.content),
      updated_at = EXCLUDED.updated_at`;
}

/** Appends a chunk to the attempt's output, trimming the front past OUTPUT_KEEP_BYTES. */
export async function appendOutput(
  tx: Tx,
  options: { subtaskId: string; attempt: number; chunk: string; now: Date; keepBytes?: number },
): Promise<{ totalBytes: number; droppedBytes: number }> {
  const bytes = Buffer.from(options.chunk, "utf8");
  const keep = options.keepBytes ?? OUTPUT_KEEP_BYTES;
  const rows = await tx.$queryRaw<Array<{ total_bytes: bigint; dropped_bytes: bigint }>>`
    INSERT INTO task_outputs AS o (subtask_id, attempt, content, total_bytes, dropped_bytes, updated_at)
    VALUES (${options.subtaskId}::uuid, ${options.attempt}, ${bytes}, ${bytes.length}, 0, ${options.now})
    ${appendKeepingTail(keep)}
    RETURNING total_bytes, dropped_bytes`;
  return { totalBytes: Number(rows[0]!.total_bytes), droppedBytes: Number(rows[0]!.dropped_bytes) };
}

/** Bytes cut from the front may start inside a UTF-8 sequence: skip its continuation bytes. */
function decodeTail(content: Uint8Array, cut: boolean): string {
  let start = 0;
  if (cut) while (start < content.length && start < 4 && (content[start]! & 0xc0) === 0x80) start++;
  return new TextDecoder().decode(content.subarray(start));
}

export function droppedMarker(droppedBytes: number): string {
  return `… ${droppedBytes} bytes dropped\n`;
}

/** The stored output of one attempt (the latest when no number is given), or null when it streamed none. */
export async function readOutput(subtaskId: string, attempt?: number): Promise<StoredOutput | null> {
  const rows = attempt
    ? await db().$queryRaw<Array<{ attempt: number; content: Uint8Array; total_bytes: bigint; dropped_bytes: bigint }>>`
        SELECT attempt, content, total_bytes, dropped_bytes FROM task_outputs WHERE subtask_id = ${subtaskId}::uuid AND attempt = ${attempt}`
    : await db().$queryRaw<Array<{ attempt: number; content: Uint8Array; total_bytes: bigint; dropped_bytes: bigint }>>`
        SELECT attempt, content, total_bytes, dropped_bytes FROM task_outputs WHERE subtask_id = ${subtaskId}::uuid ORDER BY attempt DESC LIMIT 1`;
  const row = rows[0];
  if (!row) return null;
  const droppedBytes = Number(row.dropped_bytes);
  return { attempt: row.attempt, text: decodeTail(row.content, droppedBytes > 0), totalBytes: Number(row.total_bytes), droppedBytes };
}

/** The output as the API serves it: the marker line first when the front was cut. */
export function outputText(output: StoredOutput): string {
  return output.droppedBytes > 0 ? droppedMarker(output.droppedBytes) + output.text : output.text;
}
