-- Attempts ended per minute, agent and outcome, kept by statement triggers on attempts, so
-- that nothing indexes attempts.ended_at (issue 12 part 3). The throughput charts read this
-- table (lib/presenters/throughput.ts). With no index on the columns a completion sets
-- (outcome, result, ended_at), its new version of the attempt row is a HOT update on the
-- same page (20261206100000_update_room): no new entry in any of the table's indexes,
-- where there were four.
CREATE TABLE "attempt_ends" (
    "minute" TIMESTAMPTZ(3) NOT NULL,
    "agent_id" UUID NOT NULL,
    "outcome" TEXT NOT NULL,
    "n" INTEGER NOT NULL,
    CONSTRAINT "attempt_ends_pkey" PRIMARY KEY ("minute", "agent_id", "outcome")
);

-- Each statement adds the attempts it ended and takes back what it changed of attempts
-- already ended (an outcome or an end time rewritten), once per statement: a batch of 500
-- completions is one upsert per agent and minute, not 500. Rows in key order, so two
-- statements never wait on each other's rows here (each holds its agents' rows first).
CREATE FUNCTION "count_attempt_ends"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO attempt_ends AS e (minute, agent_id, outcome, n)
        SELECT date_bin('1 minute', ended_at, TIMESTAMPTZ '2000-01-01 00:00:00+00'), agent_id, outcome, count(*)::int
        FROM new_rows WHERE ended_at IS NOT NULL
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (minute, agent_id, outcome) DO UPDATE SET n = e.n + EXCLUDED.n;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO attempt_ends AS e (minute, agent_id, outcome, n)
        SELECT minute, agent_id, outcome, sum(d)::int FROM (
            SELECT date_bin('1 minute', ended_at, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS minute, agent_id, outcome, 1 AS d
            FROM new_rows WHERE ended_at IS NOT NULL
            UNION ALL
            SELECT date_bin('1 minute', ended_at, TIMESTAMPTZ '2000-01-01 00:00:00+00'), agent_id, outcome, -1
            FROM old_rows WHERE ended_at IS NOT NULL
        ) x
        GROUP BY 1, 2, 3 HAVING sum(d) <> 0 ORDER BY 1, 2, 3
        ON CONFLICT (minute, agent_id, outcome) DO UPDATE SET n = e.n + EXCLUDED.n;
    ELSE
        INSERT INTO attempt_ends AS e (minute, agent_id, outcome, n)
        SELECT date_bin('1 minute', ended_at, TIMESTAMPTZ '2000-01-01 00:00:00+00'), agent_id, outcome, -count(*)::int
        FROM old_rows WHERE ended_at IS NOT NULL
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (minute, agent_id, outcome) DO UPDATE SET n = e.n + EXCLUDED.n;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER "attempt_ends_insert" AFTER INSERT ON "attempts"
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "count_attempt_ends"();
CREATE TRIGGER "attempt_ends_update" AFTER UPDATE ON "attempts"
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "count_attempt_ends"();
CREATE TRIGGER "attempt_ends_delete" AFTER DELETE ON "attempts"
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "count_attempt_ends"();

-- What has ended so far.
INSERT INTO "attempt_ends" (minute, agent_id, outcome, n)
SELECT date_bin('1 minute', ended_at, TIMESTAMPTZ '2000-01-01 00:00:00+00'), agent_id, outcome, count(*)::int
FROM "attempts" WHERE ended_at IS NOT NULL GROUP BY 1, 2, 3;

DROP INDEX "attempts_ended_at_idx";
