-- Workflows that grow and tell (issue 11): tasks that add tasks, planning and aggregate
-- tasks run by agents, and signed webhooks delivered from a durable outbox.

-- What a task is for: an ordinary task, the planning task of a goal decomposed by an
-- agent, or the aggregate task that combines every result (aggregation "agent").
ALTER TABLE "subtasks" ADD COLUMN "kind" TEXT NOT NULL DEFAULT 'task';
ALTER TABLE "subtasks" ADD CONSTRAINT "subtasks_kind_check" CHECK ("kind" IN ('task', 'planning', 'aggregate'));
-- How a goal's results combine (lib/orchestration/aggregate.ts).
ALTER TABLE "goals" ADD CONSTRAINT "goals_aggregation_strategy_check" CHECK ("aggregation_strategy" IN ('concat', 'json_merge', 'json_array', 'last', 'agent'));
-- The task whose completion spawned this one (NULL for tasks of the submitted plan).
ALTER TABLE "subtasks" ADD COLUMN "spawned_by" UUID;
ALTER TABLE "subtasks" ADD CONSTRAINT "subtasks_spawned_by_fkey" FOREIGN KEY ("spawned_by") REFERENCES "subtasks"("id") ON DELETE SET NULL ON UPDATE CASCADE;
CREATE INDEX "subtasks_spawned_by_idx" ON "subtasks"("spawned_by") WHERE "spawned_by" IS NOT NULL;

-- A receiver of events: deliveries are signed with its secret.
CREATE TABLE "webhooks" (
    "id" UUID NOT NULL,
    "url" TEXT NOT NULL,
    "events" TEXT[] NOT NULL,
    "secret" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "webhooks_pkey" PRIMARY KEY ("id")
);

-- The outbox: one row per (webhook, event), written in the transaction of the event.
-- Pending rows are claimed with FOR UPDATE SKIP LOCKED; a claim moves next_attempt_at
-- past the delivery timeout (a lease), so an instance that dies mid-delivery leaves the
-- row to be claimed again once the lease runs out.
CREATE TABLE "webhook_deliveries" (
    "id" BIGSERIAL NOT NULL,
    "webhook_id" UUID NOT NULL,
    "event_id" TEXT NOT NULL,
    "event_type" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_attempt_at" TIMESTAMPTZ(3),
    "last_status_code" INTEGER,
    "last_latency_ms" INTEGER,
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "delivered_at" TIMESTAMPTZ(3),
    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "webhook_deliveries_status_check" CHECK ("status" IN ('pending', 'delivered', 'failed'))
);
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_webhook_id_fkey" FOREIGN KEY ("webhook_id") REFERENCES "webhooks"("id") ON DELETE CASCADE ON UPDATE CASCADE;
CREATE INDEX "webhook_deliveries_webhook_id_id_idx" ON "webhook_deliveries"("webhook_id", "id");
-- Partial: only the rows still to send, so the dispatcher's claim stays cheap.
CREATE INDEX "webhook_deliveries_due_idx" ON "webhook_deliveries"("next_attempt_at") WHERE "status" = 'pending';
