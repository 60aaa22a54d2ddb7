// GET /api/ready's answers (issue 13).
import { z } from "zod";

const migrations = z.object({
  expected: z.number().int(),
  applied: z.number().int(),
  pending: z.array(z.string()),
  latest: z.string().nullable(),
});

export const readyResponse = z
  .object({ status: z.literal("ready"), version: z.string(), database: z.literal("ok"), migrations })
  .meta({ id: "ReadyResponse" });

export const notReadyResponse = z
  .object({
    error: z.object({ code: z.literal("unavailable"), message: z.string() }),
    status: z.literal("not_ready"),
    version: z.string(),
    database: z.enum(["ok", "unreachable"]),
    migrations,
  })
  .meta({ id: "NotReadyResponse" });
