-- The scheduler's hot path (issue 12 part 3).

-- Ready order: among tasks of equal priority, critical path and ready time, earlier plan
-- positions go out first (lib/orchestration/ready.ts reads the queue in this order).
DROP INDEX IF EXISTS "subtasks_ready_queue_idx";
CREATE INDEX "subtasks_ready_queue_idx" ON "subtasks" ("priority", "critical_path_s" DESC, "ready_at", "position", "id")
    WHERE "status" IN ('pending', 'retrying');

-- "Is anything in this goal still open?" after every completion. Keyed by position and
-- read from the highest position down (lib/orchestration/finalize-goal.ts): work goes out
-- roughly in plan order, so the entries left behind by finished tasks (dead until vacuum,
-- and each visited by a scan from the low end) sit below the first open task found.
-- The list is lib/domain's OPEN_SUBTASK_STATUSES (OPEN_SUBTASK_SQL), as in 20261201020000.
DROP INDEX IF EXISTS "subtasks_open_by_goal_idx";
CREATE INDEX "subtasks_open_by_goal_idx" ON "subtasks" ("goal_id", "position")
    WHERE "status" IN ('waiting', 'pending', 'running', 'retrying', 'awaiting_approval');

-- Room on each page for the new version of an updated row, so updates that change no
-- indexed column (a dependency count going down) stay on the page and skip the indexes.
ALTER TABLE "subtasks" SET (fillfactor = 80);

-- "Can an agent with these skills do this task?" for the claim (lib/orchestration/ready.ts).
-- The same test as `required <@ skills`, as a function the planner does not look into:
-- it guesses `<@` matches 0.5% of the rows, so it expected fewer ready rows than the
-- claim's LIMIT and sorted the whole table instead of reading the queue's index in order
-- (10× slower per claim, and every empty pull scanned every row).
CREATE FUNCTION "agent_can_do"("required" TEXT[], "skills" TEXT[]) RETURNS BOOLEAN
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$ BEGIN RETURN "required" <@ "skills"; END $$;
