// Command-line options of `switchyard-agent`: node:util parseArgs for the syntax, zod for
// the values, so a bad flag is one clear line.
import { parseArgs } from "node:util";
import { z } from "zod";

export const USAGE = `Usage: switchyard-agent --exec 'command' [options]

Registers with a Switchyard server as an agent, pulls tasks that match its skills and
runs the command once per task (sh -c), up to --capacity at a time. The task arrives as
JSON on stdin and in SWITCHYARD_* environment variables (SWITCHYARD_TASK_ID, _KEY,
_NAME, _DESCRIPTION, SWITCHYARD_GOAL, SWITCHYARD_ATTEMPT, SWITCHYARD_INPUTS, …).
Exit 0: stdout (up to 1 MiB) is the result. Non-zero: the tail of stderr is the failure.
If the server requires a registration token, set SWITCHYARD_REGISTRATION_TOKEN.

Options:
  --server URL          Switchyard server (default: $SWITCHYARD_URL or http://localhost:3000)
  --skills a,b          skills of this agent (default: none: only tasks that need none)
  --capacity N          tasks run in parallel (default 1)
  --name X              agent name shown in the dashboard
  --exec CMD            the shell command run per task (required)
  --token-file PATH     reuse the agent token saved in PATH; save it there after registering
  --poll-ms N           how often to ask for work when idle (default 1000)
  --heartbeat-ms N      heartbeat interval (default 10000)
  --grace-ms N          on SIGINT/SIGTERM, how long running tasks may finish (default 30000)
  --stdin json|markdown what the command reads: the task as JSON (default) or as
                        seed 003's markdown task assignment (a prompt for an LLM CLI)
  --cwd DIR             working directory of the command
  -h, --help            this text`;

const positiveInt = (name: string, min: number) =>
  z.coerce.number({ error: `--${name} must be a number` }).int(`--${name} must be a whole number`).min(min, `--${name} must be at least ${min}`);

export const cliSchema = z.object({
  server: z.url("--server must be a URL like http://localhost:3000"),
  skills: z
    .string()
    .default("")
    .transform((s) => s.split(",").map((x) => x.trim()).filter(Boolean)),
  capacity: positiveInt("capacity", 1).max(1000).default(1),
  name: z.string().min(1).max(200).optional(),
  exec: z.string({ error: "--exec 'command' is required" }).min(1, "--exec 'command' is required"),
  "token-file": z.string().optional(),
  "poll-ms": positiveInt("poll-ms", 10).default(1000),
  "heartbeat-ms": positiveInt("heartbeat-ms", 50).default(10_000),
  "grace-ms": positiveInt("grace-ms", 0).default(30_000),
  cwd: z.string().optional(),
  stdin: z.enum(["json", "markdown"], { error: "--stdin must be json or markdown" }).default("json"),
});

export type CliOptions = z.infer<typeof cliSchema>;

export type ParsedCli = { help: true } | { help: false; options: CliOptions } | { help: false; error: string };

export function parseCli(argv: string[], environment: Record<string, string | undefined> = {}): ParsedCli {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: argv,
      options: {
        server: { type: "string" },
        skills: { type: "string" },
        capacity: { type: "string" },
        name: { type: "string" },
        exec: { type: "string" },
        "token-file": { type: "string" },
        "poll-ms": { type: "string" },
        "heartbeat-ms": { type: "string" },
        "grace-ms": { type: "string" },
        cwd: { type: "string" },
        stdin: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    return { help: false, error: error instanceof Error ? error.message : String(error) };
  }
  if (values.help) return { help: true };
  const parsed = cliSchema.safeParse({ ...values, server: values.server ?? environment.SWITCHYARD_URL ?? "http://localhost:3000" });
  if (!parsed.success) return { help: false, error: parsed.error.issues[0]!.message };
  return { help: false, options: parsed.data };
}
