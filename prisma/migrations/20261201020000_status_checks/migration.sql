-- Every status column accepts exactly the values of lib/domain/statuses.ts (goal `paused`,
-- subtask `awaiting_approval`, attempt `rejected` added); lib/domain/check-constraints.test.ts
-- reads these constraints back from pg_constraint and compares them with the TypeScript lists.
ALTER TABLE "goals" DROP CONSTRAINT IF EXISTS "goals_status_check";
ALTER TABLE "goals" ADD CONSTRAINT "goals_status_check"
    CHECK ("status" IN ('pending', 'running', 'paused', 'complete', 'partial', 'failed', 'cancelled'));

ALTER TABLE "subtasks" DROP CONSTRAINT IF EXISTS "subtasks_status_check";
ALTER TABLE "subtasks" ADD CONSTRAINT "subtasks_status_check"
    CHECK ("status" IN ('waiting', 'pending', 'running', 'completed', 'failed', 'retrying', 'cancelled', 'skipped', 'awaiting_approval'));

ALTER TABLE "attempts" DROP CONSTRAINT IF EXISTS "attempts_outcome_check";
ALTER TABLE "attempts" ADD CONSTRAINT "attempts_outcome_check"
    CHECK ("outcome" IN ('running', 'completed', 'failed', 'timed_out', 'lost', 'superseded', 'cancelled', 'rejected'));

-- "Is anything in this goal still open?" counts a task awaiting approval as open
-- (OPEN_SUBTASK_STATUSES); the partial index lists the same values so it still applies.
DROP INDEX IF EXISTS "subtasks_open_by_goal_idx";
CREATE INDEX "subtasks_open_by_goal_idx" ON "subtasks" ("goal_id")
    WHERE "status" IN ('waiting', 'pending', 'running', 'retrying', 'awaiting_approval');
