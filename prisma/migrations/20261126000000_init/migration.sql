-- Switchyard initial schema.

CREATE TABLE "goals" (
    "id" UUID NOT NULL,
    "goal" TEXT NOT NULL,
    "context" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "template" TEXT NOT NULL,
    "aggregation_strategy" TEXT NOT NULL DEFAULT 'concat',
    "result" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    CONSTRAINT "goals_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "goals_status_check" CHECK ("status" IN ('pending','running','complete','partial','failed','cancelled'))
);

CREATE TABLE "subtasks" (
    "id" UUID NOT NULL,
    "goal_id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "required_skills" TEXT[],
    "priority" SMALLINT NOT NULL DEFAULT 2,
    "estimated_duration_s" INTEGER NOT NULL DEFAULT 60,
    "critical_path_s" INTEGER NOT NULL DEFAULT 0,
    "status" TEXT NOT NULL,
    "pending_deps" INTEGER NOT NULL DEFAULT 0,
    "attempt" INTEGER NOT NULL DEFAULT 0,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "max_attempts" INTEGER NOT NULL DEFAULT 3,
    "timeout_s" INTEGER NOT NULL DEFAULT 300,
    "agent_id" UUID,
    "result" TEXT,
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ready_at" TIMESTAMPTZ(3),
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "deadline_at" TIMESTAMPTZ(3),
    "next_attempt_at" TIMESTAMPTZ(3),
    CONSTRAINT "subtasks_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "subtasks_status_check" CHECK ("status" IN ('waiting','pending','running','completed','failed','retrying','cancelled','skipped')),
    CONSTRAINT "subtasks_priority_check" CHECK ("priority" BETWEEN 0 AND 3),
    CONSTRAINT "subtasks_pending_deps_check" CHECK ("pending_deps" >= 0)
);

CREATE TABLE "subtask_dependencies" (
    "subtask_id" UUID NOT NULL,
    "depends_on_id" UUID NOT NULL,
    CONSTRAINT "subtask_dependencies_pkey" PRIMARY KEY ("subtask_id","depends_on_id")
);

CREATE TABLE "agents" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "skills" TEXT[],
    "capacity" INTEGER NOT NULL DEFAULT 1,
    "context_id" TEXT,
    "token_hash" TEXT NOT NULL,
    "running" INTEGER NOT NULL DEFAULT 0,
    "tasks_done" INTEGER NOT NULL DEFAULT 0,
    "tasks_failed" INTEGER NOT NULL DEFAULT 0,
    "total_duration_ms" BIGINT NOT NULL DEFAULT 0,
    "offline" BOOLEAN NOT NULL DEFAULT false,
    "removed" BOOLEAN NOT NULL DEFAULT false,
    "registered_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_heartbeat_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "agents_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "agents_capacity_check" CHECK ("capacity" >= 1),
    CONSTRAINT "agents_running_check" CHECK ("running" >= 0)
);

CREATE TABLE "attempts" (
    "id" UUID NOT NULL,
    "subtask_id" UUID NOT NULL,
    "number" INTEGER NOT NULL,
    "agent_id" UUID NOT NULL,
    "outcome" TEXT NOT NULL DEFAULT 'running',
    "result" TEXT,
    "error" TEXT,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ended_at" TIMESTAMPTZ(3),
    CONSTRAINT "attempts_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "attempts_outcome_check" CHECK ("outcome" IN ('running','completed','failed','timed_out','lost','superseded','cancelled'))
);

CREATE TABLE "events" (
    "seq" BIGSERIAL NOT NULL,
    "type" TEXT NOT NULL,
    "goal_id" UUID,
    "subtask_id" UUID,
    "agent_id" UUID,
    "actor" TEXT NOT NULL,
    "data" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    -- The writing transaction: readers only pass over events whose transaction is
    -- older than every transaction still running, so a catch-up never skips one.
    "xid" xid8 NOT NULL DEFAULT pg_current_xact_id(),
    CONSTRAINT "events_pkey" PRIMARY KEY ("seq")
);

CREATE INDEX "goals_status_idx" ON "goals"("status");
CREATE INDEX "goals_created_at_idx" ON "goals"("created_at");
CREATE UNIQUE INDEX "subtasks_goal_id_key_key" ON "subtasks"("goal_id", "key");
CREATE INDEX "subtasks_goal_id_position_idx" ON "subtasks"("goal_id", "position");
CREATE INDEX "subtasks_agent_id_status_idx" ON "subtasks"("agent_id", "status");
CREATE INDEX "subtask_dependencies_depends_on_id_idx" ON "subtask_dependencies"("depends_on_id");
CREATE UNIQUE INDEX "agents_token_hash_key" ON "agents"("token_hash");
CREATE INDEX "agents_last_heartbeat_at_idx" ON "agents"("last_heartbeat_at");
CREATE UNIQUE INDEX "attempts_subtask_id_number_key" ON "attempts"("subtask_id", "number");
CREATE INDEX "attempts_agent_id_started_at_idx" ON "attempts"("agent_id", "started_at");
CREATE INDEX "attempts_ended_at_idx" ON "attempts"("ended_at");
CREATE INDEX "events_goal_id_seq_idx" ON "events"("goal_id", "seq");

-- The scheduler's queue: ready work in assignment order (priority, longest remaining
-- critical path, age). Partial, so it holds only what can be handed out.
CREATE INDEX "subtasks_ready_queue_idx" ON "subtasks" ("priority", "critical_path_s" DESC, "ready_at", "id")
    WHERE "status" IN ('pending', 'retrying');
-- "Is anything in this goal still open?" after every completion, without a scan.
CREATE INDEX "subtasks_open_by_goal_idx" ON "subtasks" ("goal_id") WHERE "status" IN ('waiting', 'pending', 'running', 'retrying');
-- The sweep's scan of running tasks past their deadline.
CREATE INDEX "subtasks_running_deadline_idx" ON "subtasks" ("deadline_at") WHERE "status" = 'running';

ALTER TABLE "subtasks" ADD CONSTRAINT "subtasks_goal_id_fkey" FOREIGN KEY ("goal_id") REFERENCES "goals"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "subtasks" ADD CONSTRAINT "subtasks_agent_id_fkey" FOREIGN KEY ("agent_id") REFERENCES "agents"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "subtask_dependencies" ADD CONSTRAINT "subtask_dependencies_subtask_id_fkey" FOREIGN KEY ("subtask_id") REFERENCES "subtasks"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "subtask_dependencies" ADD CONSTRAINT "subtask_dependencies_depends_on_id_fkey" FOREIGN KEY ("depends_on_id") REFERENCES "subtasks"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "attempts" ADD CONSTRAINT "attempts_subtask_id_fkey" FOREIGN KEY ("subtask_id") REFERENCES "subtasks"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "attempts" ADD CONSTRAINT "attempts_agent_id_fkey" FOREIGN KEY ("agent_id") REFERENCES "agents"("id") ON DELETE CASCADE ON UPDATE CASCADE;
