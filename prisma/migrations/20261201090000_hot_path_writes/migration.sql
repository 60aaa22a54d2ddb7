-- Fewer writes per task on the hot path (issue 12 part 3). A claim and a completion each
-- write a new version of the task row into every index its new version belongs to, and
-- the claim checked three foreign keys per task (one lookup each, in a trigger).

-- The claim's attempt rows are made from the task rows and the agent row the same
-- statement holds locked (lib/orchestration/assign-tasks.ts), and neither tasks nor agents
-- are ever deleted (an agent is marked removed): the keys cannot dangle, so the checks go.
-- (lib/api/multi-instance.test.ts checks that no key dangles after 64 agents on two
-- instances ran 800 tasks.)
ALTER TABLE "attempts" DROP CONSTRAINT "attempts_subtask_id_fkey";
ALTER TABLE "attempts" DROP CONSTRAINT "attempts_agent_id_fkey";
ALTER TABLE "subtasks" DROP CONSTRAINT "subtasks_agent_id_fkey";

-- "An agent's running tasks" is the only question asked by agent (lib/orchestration/requeue.ts,
-- the sweeper): a finished task no longer adds an entry.
DROP INDEX "subtasks_agent_id_status_idx";
CREATE INDEX "subtasks_running_by_agent_idx" ON "subtasks" ("agent_id") WHERE "status" = 'running';

-- A goal's tasks in plan order are read from (goal_id, key) and sorted; every claim and
-- completion wrote an entry here too.
DROP INDEX "subtasks_goal_id_position_idx";
