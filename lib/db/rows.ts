// One row type per table, generated from prisma/schema.prisma by prisma-kysely
// (lib/generated/kysely/db.ts, the column names as the database has them). Raw SQL
// declares what it selects as a Pick of these, never as a shape of its own:
//   tx.$queryRaw<Array<Pick<Row<"subtasks">, "id" | "status">>>`SELECT id, status FROM subtasks …`
// The overrides are the columns whose type the generator cannot know: the status columns
// carry the domain's unions (their CHECK constraints hold the same lists), and int8 /
// jsonb columns arrive through Prisma's raw queries as bigint / parsed JSON.
import type { Selectable } from "kysely";
import type { AggregationStrategy, AttemptOutcome, GoalStatus, SubtaskKind, SubtaskStatus, WebhookDeliveryStatus } from "@/lib/domain";
import type { DB } from "@/lib/generated/kysely/db";

export type Table = keyof DB;

interface Overrides {
  goals: {
    status: GoalStatus;
    aggregation_strategy: AggregationStrategy;
    budget_max_tokens: bigint | null;
    input_tokens: bigint;
    output_tokens: bigint;
  };
  subtasks: { status: SubtaskStatus; kind: SubtaskKind };
  attempts: { outcome: AttemptOutcome; input_tokens: bigint; output_tokens: bigint };
  agents: { total_duration_ms: bigint; input_tokens: bigint; output_tokens: bigint };
  events: { seq: bigint; data: Record<string, unknown> };
  event_relay: { relayed_seq: bigint; final_seq: bigint };
  socket_io_attachments: { id: bigint };
  task_outputs: { total_bytes: bigint; dropped_bytes: bigint };
  task_output_chunks: { end_byte: bigint };
  webhook_deliveries: { id: bigint; status: WebhookDeliveryStatus; payload: unknown };
}

type Override<T extends Table> = T extends keyof Overrides ? Overrides[T] : Record<never, never>;

/** A whole row of `T` as raw SQL reads it. */
export type Row<T extends Table> = Omit<Selectable<DB[T]>, keyof Override<T>> & Override<T>;

/** Some columns of a row of `T`. */
export type Columns<T extends Table, K extends keyof Row<T>> = Pick<Row<T>, K>;
