-- Issue 9: what a running task shows (progress, message, output) and what it costs.

-- Each attempt's latest progress report and its usage (sums of what the agent reported).
ALTER TABLE "attempts"
    ADD COLUMN "progress" DOUBLE PRECISION,
    ADD COLUMN "message" TEXT,
    ADD COLUMN "progress_at" TIMESTAMPTZ(3),
    ADD COLUMN "input_tokens" BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN "output_tokens" BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN "cost_usd" DOUBLE PRECISION NOT NULL DEFAULT 0,
    ADD COLUMN "model" TEXT,
    ADD CONSTRAINT "attempts_progress_check" CHECK ("progress" IS NULL OR ("progress" >= 0 AND "progress" <= 1)),
    ADD CONSTRAINT "attempts_usage_check" CHECK ("input_tokens" >= 0 AND "output_tokens" >= 0 AND "cost_usd" >= 0);

-- A goal's budget (NULL = none) and the usage recorded against it (kept in the row, so the
-- check that pauses the goal is one UPDATE under the goal's row lock).
ALTER TABLE "goals"
    ADD COLUMN "budget_max_cost_usd" DOUBLE PRECISION,
    ADD COLUMN "budget_max_tokens" BIGINT,
    ADD COLUMN "input_tokens" BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN "output_tokens" BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN "cost_usd" DOUBLE PRECISION NOT NULL DEFAULT 0,
    ADD CONSTRAINT "goals_budget_check" CHECK (("budget_max_cost_usd" IS NULL OR "budget_max_cost_usd" >= 0) AND ("budget_max_tokens" IS NULL OR "budget_max_tokens" >= 0));

-- The output an attempt streamed, bounded: the last OUTPUT_KEEP_BYTES bytes are kept and
-- `dropped_bytes` counts what was cut from the front.
CREATE TABLE "task_outputs" (
    "subtask_id" UUID NOT NULL,
    "attempt" INTEGER NOT NULL,
    "content" BYTEA NOT NULL DEFAULT '\x',
    "total_bytes" BIGINT NOT NULL DEFAULT 0,
    "dropped_bytes" BIGINT NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "task_outputs_pkey" PRIMARY KEY ("subtask_id", "attempt"),
    CONSTRAINT "task_outputs_subtask_id_fkey" FOREIGN KEY ("subtask_id") REFERENCES "subtasks"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
