-- Operators step in (issue 10): pause and resume goals, drain agents, approval gates,
-- result validation, goal search.

-- Why a paused goal is paused (the status vocabulary itself, `paused` included, is
-- 20261201020000_status_checks): the operator paused it, or its budget ran out.
ALTER TABLE "goals" ADD COLUMN "pause_reason" TEXT;
ALTER TABLE "goals" ADD CONSTRAINT "goals_pause_reason_check"
    CHECK ("pause_reason" IS NULL OR "pause_reason" IN ('operator','budget_exceeded'));

-- Held: the task belongs to a paused goal. The claim's WHERE reads it, so a pull racing a
-- pause re-checks the row under its lock (FOR UPDATE) and skips the held task.
ALTER TABLE "subtasks" ADD COLUMN "held" BOOLEAN NOT NULL DEFAULT false;
-- Approval gate: a completed attempt waits for the operator (awaiting_approval).
ALTER TABLE "subtasks" ADD COLUMN "approval" BOOLEAN NOT NULL DEFAULT false;
-- A JSON Schema every result must match (ajv); NULL = any result.
ALTER TABLE "subtasks" ADD COLUMN "output_schema" JSONB;

-- A rejected attempt keeps the agent's result and carries the operator's feedback.
ALTER TABLE "attempts" ADD COLUMN "feedback" TEXT;

-- A drained agent pulls nothing and is skipped by the operator's assignment.
ALTER TABLE "agents" ADD COLUMN "drained" BOOLEAN NOT NULL DEFAULT false;

-- Goal list: keyset pages newest first, overall and by status.
CREATE INDEX "goals_created_at_id_idx" ON "goals" ("created_at" DESC, "id" DESC);
CREATE INDEX "goals_status_created_at_id_idx" ON "goals" ("status", "created_at" DESC, "id" DESC);
-- Text search over goal text and context: a tsvector expression (built in, so it works on
-- PostgreSQL and on the embedded PGlite alike, no extension needed).
CREATE INDEX "goals_search_idx" ON "goals" USING gin (to_tsvector('simple', "goal" || ' ' || coalesce("context", '')));
-- Gated tasks waiting for a decision, per goal (header and overview counts).
CREATE INDEX "subtasks_awaiting_approval_idx" ON "subtasks" ("goal_id") WHERE "status" = 'awaiting_approval';
