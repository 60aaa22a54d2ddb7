// Where the engine's WAL goes: the records a drain wrote, by table or index and record type,
// in bytes per task (pg_walinspect, a contrib module PostgreSQL ships). Unlike CPU time this
// holds still on a busy machine, so it says which writes a change to the hot path removed.
//   npx tsx bench/pieces.ts wal        (BENCH_TASKS tasks, 32 agents pulling 500)
import { engineThroughput } from "./engine";
import { withPg } from "./util";

export interface WalLine {
  relation: string;
  record: string;
  records: number;
  bytesPerTask: number;
}

/** Drains `tasks` no-op tasks in-process (the engine piece) and reads back the WAL the drain wrote (the plan's own writes before it left out). */
export async function walOfEngineDrain(url: string, tasks: number): Promise<{ total: number; lines: WalLine[] }> {
  await withPg(url, (c) => c.query("CREATE EXTENSION IF NOT EXISTS pg_walinspect"));
  let drain = { from: "", to: "" };
  await engineThroughput({ tasks, workers: 32, max: 500, mode: "batch", drained: (wal) => (drain = wal) });
  // pg_walinspect reads only what is flushed.
  await withPg(url, (c) => c.query("SELECT pg_switch_wal()"));
  return withPg(url, async (c) => {
    const { rows } = await c.query(
      `WITH r AS (
         SELECT record_type, record_length, substring(block_ref from 'rel \\d+/\\d+/(\\d+)') AS node
         FROM pg_get_wal_records_info($1, $2))
       SELECT coalesce(cl.relname, '(' || coalesce(r.node, 'no relation') || ')') AS relation, r.record_type AS record,
         count(*)::int AS records, sum(r.record_length)::bigint AS bytes
       FROM r LEFT JOIN pg_class cl ON cl.relfilenode::text = r.node
       GROUP BY 1, 2 ORDER BY bytes DESC`,
      [drain.from, drain.to],
    );
    const lines = rows.map((r) => ({ relation: r.relation, record: r.record, records: r.records, bytesPerTask: Number(r.bytes) / tasks }));
    return { total: lines.reduce((n, l) => n + l.bytesPerTask, 0), lines };
  });
}
