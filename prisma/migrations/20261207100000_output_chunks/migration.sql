-- An attempt's output as the chunks its reports appended, not one value rewritten whole
-- at every report: appending 5 kB to a 256 KiB tail rewrote (and logged) the 256 KiB.
-- A chunk is keyed by the byte offset just past its end in the attempt's stream; the
-- chunk the kept tail starts inside has its front cut (lib/orchestration/task-output.ts).
CREATE TABLE "task_output_chunks" (
    "subtask_id" UUID NOT NULL,
    "attempt" INTEGER NOT NULL,
    "end_byte" BIGINT NOT NULL,
    "content" BYTEA NOT NULL,

    CONSTRAINT "task_output_chunks_pkey" PRIMARY KEY ("subtask_id", "attempt", "end_byte"),
    CONSTRAINT "task_output_chunks_output_fkey" FOREIGN KEY ("subtask_id", "attempt")
        REFERENCES "task_outputs"("subtask_id", "attempt") ON DELETE CASCADE ON UPDATE CASCADE
);

DO $$
BEGIN
    ALTER TABLE "task_output_chunks" ALTER COLUMN "content" SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
    RAISE NOTICE 'lz4 is not available: task_output_chunks.content keeps the default compression';
END $$;

-- What is stored now becomes each attempt's one chunk.
INSERT INTO "task_output_chunks" ("subtask_id", "attempt", "end_byte", "content")
SELECT "subtask_id", "attempt", "total_bytes", "content" FROM "task_outputs" WHERE octet_length("content") > 0;

-- Emptied before the drop: a dropped column's values stay on disk until their row is
-- rewritten, and a finished attempt's row never is again.
UPDATE "task_outputs" SET "content" = '' WHERE octet_length("content") > 0;
ALTER TABLE "task_outputs" DROP COLUMN "content";
