// Command-line options of `switchyard-agent`: node:util parseArgs for the syntax, a few
// checks for the values (no dependencies), so a bad flag is one clear line.
import { parseArgs } from "node:util";
import { RESULT_FORMATS, type ResultFormat } from "./result-format.js";

export const USAGE = `Usage: switchyard-agent --exec 'command' [options]

Registers with a Switchyard server as an agent, pulls tasks that match its skills and
runs the command once per task (sh -c), up to --capacity at a time. The task arrives as
JSON on stdin and in SWITCHYARD_* environment variables (SWITCHYARD_TASK_ID, _KEY,
_NAME, _DESCRIPTION, SWITCHYARD_GOAL, SWITCHYARD_ATTEMPT, SWITCHYARD_INPUTS, …).
Exit 0: stdout (up to 1 MiB) is the result. Non-zero: the tail of stderr is the failure.
While it runs, stdout and stderr stream to the dashboard as the task's output. A stderr
line \`::progress 0.4 reading files\` sets progress (0..1) and message; a line
\`::usage {"input_tokens":1200,"output_tokens":300,"cost_usd":0.004}\` adds usage; neither
is part of the output.
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
  --result-format F     how stdout is read: text (default: stdout is the result),
                        claude-json (\`claude -p --output-format json\`: result, cost
                        and tokens, is_error fails the task) or claude-stream-json
                        (\`--output-format stream-json --verbose\`, shown live)
  -h, --help            this text`;

export interface CliOptions {
  server: string;
  skills: string[];
  capacity: number;
  name?: string;
  exec: string;
  "token-file"?: string;
  "poll-ms": number;
  "heartbeat-ms": number;
  "grace-ms": number;
  cwd?: string;
  stdin: "json" | "markdown";
  "result-format": ResultFormat;
}

class CliError extends Error {}

function wholeNumber(name: string, raw: string | undefined, min: number, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (raw === undefined) return fallback;
  const n = raw.trim() === "" ? Number.NaN : Number(raw);
  if (Number.isNaN(n)) throw new CliError(`--${name} must be a number`);
  if (!Number.isInteger(n)) throw new CliError(`--${name} must be a whole number`);
  if (n < min) throw new CliError(`--${name} must be at least ${min}`);
  if (n > max) throw new CliError(`--${name} must be at most ${max}`);
  return n;
}

function validate(values: Record<string, string | undefined>): CliOptions {
  const server = values.server!;
  if (!URL.canParse(server)) throw new CliError("--server must be a URL like http://localhost:3000");
  const skills = (values.skills ?? "")
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);
  const capacity = wholeNumber("capacity", values.capacity, 1, 1, 1000);
  const name = values.name;
  if (name !== undefined && (name.length < 1 || name.length > 200)) throw new CliError("--name must be 1 to 200 characters");
  const exec = values.exec;
  if (!exec) throw new CliError("--exec 'command' is required");
  const pollMs = wholeNumber("poll-ms", values["poll-ms"], 10, 1000);
  const heartbeatMs = wholeNumber("heartbeat-ms", values["heartbeat-ms"], 50, 10_000);
  const graceMs = wholeNumber("grace-ms", values["grace-ms"], 0, 30_000);
  const stdin = values.stdin ?? "json";
  if (stdin !== "json" && stdin !== "markdown") throw new CliError("--stdin must be json or markdown");
  const resultFormat = values["result-format"] ?? "text";
  if (!(RESULT_FORMATS as readonly string[]).includes(resultFormat))
    throw new CliError(`--result-format must be one of ${RESULT_FORMATS.join(", ")}`);
  return {
    server,
    skills,
    capacity,
    ...(name !== undefined ? { name } : {}),
    exec,
    ...(values["token-file"] !== undefined ? { "token-file": values["token-file"] } : {}),
    "poll-ms": pollMs,
    "heartbeat-ms": heartbeatMs,
    "grace-ms": graceMs,
    ...(values.cwd !== undefined ? { cwd: values.cwd } : {}),
    stdin,
    "result-format": resultFormat as ResultFormat,
  };
}

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
        "result-format": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    return { help: false, error: error instanceof Error ? error.message : String(error) };
  }
  if (values.help) return { help: true };
  const { help: _help, ...strings } = values;
  try {
    return {
      help: false,
      options: validate({
        ...(strings as Record<string, string | undefined>),
        server: (values.server as string | undefined) ?? environment.SWITCHYARD_URL ?? "http://localhost:3000",
      }),
    };
  } catch (error) {
    if (error instanceof CliError) return { help: false, error: error.message };
    throw error;
  }
}
