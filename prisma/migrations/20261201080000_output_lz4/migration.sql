-- An attempt's stored output (up to 256 KiB) is rewritten whole by every progress report
-- that appends to it (PostgreSQL cannot append to a value in place). TOAST compressed each
-- new value with pglz, CPU-heavy at this size and rate (32 agents × 4 reports/s); lz4 does
-- the same job at a fraction of the cost. A server built without lz4 (the embedded
-- database) keeps pglz.
DO $$
BEGIN
    ALTER TABLE "task_outputs" ALTER COLUMN "content" SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
    RAISE NOTICE 'lz4 is not available: task_outputs.content keeps the default compression';
END $$;
