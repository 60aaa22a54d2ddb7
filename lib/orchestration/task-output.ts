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
 * CTEs appending `chunk` to the output of each attempt `source` selects (its columns
 * `subtask_id`, `number`), keeping the last `keep` bytes: the writes, and `out_counts`,
 * each attempt's counts after them (subtask_id, attempt, total_bytes, dropped_bytes; as
 * they stand when there is nothing to append, none for an attempt that never had output). The chunk goes in as a row of its own
 * (cut to its last `keep` bytes when it alone is longer); chunks now wholly before the
 * kept tail are deleted and the one it starts inside loses its front, so an append
 * writes about its own size, whatever the tail holds. (Rewriting one value whole wrote
 * 256 KiB for each 5 kB report.) Two appends to one attempt in the same moment: the
 * later one does not see the earlier's chunk and leaves it, the next append trims it;
 * readOutput reads the tail by the counts either way. appendOutput and the
 * one-statement progress report both use these.
 */
export function appendOutputCtes(source: Prisma.Sql, chunk: Buffer, keep: number, now: Date): Prisma.Sql {
  const bytes = chunk.length > keep ? chunk.subarray(chunk.length - keep) : chunk;
  const length = Prisma.sql`${chunk.length}::int8`;
  const kept = Prisma.sql`${keep}::int8`;
  return Prisma.sql`out AS (
      INSERT INTO task_outputs AS o (subtask_id, attempt, total_bytes, dropped_bytes, updated_at)
      SELECT src.subtask_id, src.number, ${length}, GREATEST(${length} - ${kept}, 0), ${now}::timestamptz FROM (${source}) src
      WHERE ${length} > 0
      ON CONFLICT (subtask_id, attempt) DO UPDATE SET
        total_bytes = o.total_bytes + EXCLUDED.total_bytes,
        dropped_bytes = GREATEST(o.total_bytes + EXCLUDED.total_bytes - ${kept}, o.dropped_bytes),
        updated_at = EXCLUDED.updated_at
      RETURNING o.subtask_id, o.attempt, o.total_bytes, o.dropped_bytes
    ), out_added AS (
      INSERT INTO task_output_chunks (subtask_id, attempt, end_byte, content)
      SELECT out.subtask_id, out.attempt, out.total_bytes, ${bytes}::bytea FROM out
    ), out_dropped AS (
      DELETE FROM task_output_chunks c USING out
      WHERE c.subtask_id = out.subtask_id AND c.attempt = out.attempt AND c.end_byte <= out.dropped_bytes
    ), out_cut AS (
      UPDATE task_output_chunks c SET content = substring(c.content FROM octet_length(c.content) - (c.end_byte - out.dropped_bytes)::int + 1)
      FROM out
      WHERE c.subtask_id = out.subtask_id AND c.attempt = out.attempt
        AND c.end_byte > out.dropped_bytes AND c.end_byte - octet_length(c.content) < out.dropped_bytes
    ), out_counts AS (
      SELECT subtask_id, attempt, total_bytes, dropped_bytes FROM out
      UNION ALL
      SELECT o.subtask_id, o.attempt, o.total_bytes, o.dropped_bytes
      FROM task_outputs o JOIN (${source}) src ON o.subtask_id = src.subtask_id AND o.attempt = src.number
      WHERE ${length} = 0
    )`;
}

/** Appends a chunk to the attempt's output, trimming the front past OUTPUT_KEEP_BYTES. */
export async function appendOutput(
  tx: Tx,
  options: { subtaskId: string; attempt: number; chunk: string; now: Date; keepBytes?: number },
): Promise<{ totalBytes: number; droppedBytes: number }> {
  const bytes = Buffer.from(options.chunk, "utf8");
  const keep = options.keepBytes ?? OUTPUT_KEEP_BYTES;
  const attempt = Prisma.sql`SELECT ${options.subtaskId}::uuid AS subtask_id, ${options.attempt}::int AS number`;
  const rows = await tx.$queryRaw<Array<{ total_bytes: bigint; dropped_bytes: bigint }>>`
    WITH ${appendOutputCtes(attempt, bytes, keep, options.now)}
    SELECT total_bytes, dropped_bytes FROM out_counts`;
  return { totalBytes: Number(rows[0]?.total_bytes ?? 0), droppedBytes: Number(rows[0]?.dropped_bytes ?? 0) };
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
  const rows = await db().$queryRaw<Array<{ attempt: number; content: Uint8Array | null; total_bytes: bigint; dropped_bytes: bigint }>>`
    SELECT o.attempt, o.total_bytes, o.dropped_bytes,
      (SELECT string_agg(c.content, ''::bytea ORDER BY c.end_byte) FROM task_output_chunks c
        WHERE c.subtask_id = o.subtask_id AND c.attempt = o.attempt) AS content
    FROM task_outputs o
    WHERE o.subtask_id = ${subtaskId}::uuid AND (${attempt ?? null}::int IS NULL OR o.attempt = ${attempt ?? null}::int)
    ORDER BY o.attempt DESC LIMIT 1`;
  const row = rows[0];
  if (!row) return null;
  const droppedBytes = Number(row.dropped_bytes);
  // The tail is the last total − dropped bytes (a chunk not trimmed yet may still be in front of it).
  const content = row.content ?? new Uint8Array();
  const kept = Number(row.total_bytes) - droppedBytes;
  const tail = content.length > kept ? content.subarray(content.length - kept) : content;
  return { attempt: row.attempt, text: decodeTail(tail, droppedBytes > 0), totalBytes: Number(row.total_bytes), droppedBytes };
}

/** The output as the API serves it: the marker line first when the front was cut. */
export function outputText(output: StoredOutput): string {
  return output.droppedBytes > 0 ? droppedMarker(output.droppedBytes) + output.text : output.text;
}
