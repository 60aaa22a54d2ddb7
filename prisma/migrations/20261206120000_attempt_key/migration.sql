-- An attempt is known by its task and number (every query, every fence). Its uuid, the
-- primary key until now, is read by no query, yet every claim wrote it into an index of its
-- own (issue 12 part 3: one index entry fewer per attempt). The (subtask_id, number) index
-- becomes the key, under its own name; the id column stays, unindexed, for what reads it.
ALTER TABLE "attempts" DROP CONSTRAINT "attempts_pkey";
ALTER TABLE "attempts" ADD CONSTRAINT "attempts_subtask_id_number_key" PRIMARY KEY USING INDEX "attempts_subtask_id_number_key";
ALTER TABLE "attempts" ALTER COLUMN "id" SET DEFAULT gen_random_uuid();
