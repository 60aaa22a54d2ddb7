// `switchyard`: seed 003's workflow from a terminal. Submit a goal (a markdown plan, a JSON
// plan or plain text) and watch it run; export a goal as seed 003's .orchestrator/ files;
// read status and goals; retry or cancel a task. Operator calls: --server / SWITCHYARD_URL,
// --token / SWITCHYARD_OPERATOR_TOKEN.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { ApiError, SwitchyardClient, type ApiEvent, type DecomposeRequest, type GoalDetail } from "switchyard-client";
import { isGoalFinished, seed003Files } from "./seed003-files.js";

export const SWITCHYARD_USAGE = `Usage: switchyard <command> [options]

Commands:
  submit <plan.md | plan.json | "goal text"> [--context TEXT] [--wait]
                        create a goal; with --wait, show its progress live and exit
                        0 when it completes, 1 when it ends partial, failed or cancelled
  export <goal> [--dir .orchestrator] [--watch]
                        write seed 003's files (master_plan.md, agent_tasks/agent-XX.md,
                        results/agent-XX-result.md, final_output.md); --watch keeps them
                        current until the goal finishes
  status                agents, tasks and goals by status
  goals [--status S]    the latest goals
  retry <task>          run a failed, cancelled or skipped task again
  cancel <task>         cancel an open task (its dependents are skipped)

Options:
  --server URL          the Switchyard server (default: $SWITCHYARD_URL or http://localhost:3000)
  --token TOKEN         the operator token (default: $SWITCHYARD_OPERATOR_TOKEN)
  --json                print the API's JSON instead of text
  --interval-ms N       how often --wait / --watch look (default 500)
  -h, --help            this text

Exit codes: 0 ok (goal complete), 1 the goal did not complete, 2 bad usage or an API error.`;

interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  isTTY: boolean;
}

class UsageError extends Error {}

const STATUS_ORDER = [
  "completed",
  "running",
  "awaiting_approval",
  "pending",
  "retrying",
  "waiting",
  "failed",
  "skipped",
  "cancelled",
] as const;

/** The goal request for a submit argument: a .md file is seed 003's plan, a .json file a plan (or a whole request), anything else the goal text. */
export function submitRequest(arg: string, context: string | undefined, cwd = process.cwd()): DecomposeRequest {
  const file = path.resolve(cwd, arg);
  const isFile = /\.(md|markdown|json)$/i.test(arg) && existsSync(file);
  if (/\.(md|markdown|json)$/i.test(arg) && !isFile) throw new UsageError(`no such file: ${arg}`);
  if (!isFile) return { goal: arg, ...(context !== undefined ? { context } : {}) };
  const text = readFileSync(file, "utf8");
  if (/\.json$/i.test(arg)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new UsageError(`${arg} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
    const obj = (parsed ?? {}) as Record<string, unknown>;
    // Either a whole decompose request ({goal, context?, plan}) or just a plan ({tasks}).
    const request: DecomposeRequest =
      "goal" in obj
        ? (obj as unknown as DecomposeRequest)
        : { goal: path.basename(arg, path.extname(arg)), plan: obj as unknown as DecomposeRequest["plan"] };
    return context !== undefined ? { ...request, context } : request;
  }
  return {
    goal: markdownGoal(text) ?? path.basename(arg, path.extname(arg)),
    plan_markdown: text,
    ...(context !== undefined ? { context } : {}),
  };
}

/** The goal of a markdown plan: the quote under "## Original Request", else the first heading. */
export function markdownGoal(md: string): string | null {
  const lines = md.split(/\r?\n/);
  const at = lines.findIndex((l) => /^##\s+original request\s*$/i.test(l.trim()));
  if (at >= 0) {
    const quoted: string[] = [];
    for (const l of lines.slice(at + 1)) {
      if (/^\s*>/.test(l)) quoted.push(l.replace(/^\s*>\s?/, ""));
      else if (quoted.length || /^\s*#/.test(l)) break;
    }
    const text = quoted.join("\n").trim();
    if (text) return text;
  }
  const heading = lines.find((l) => /^#\s+\S/.test(l));
  return heading ? heading.replace(/^#\s+/, "").trim() : null;
}

/** One progress line: a bar, the share done, and the counts by status. */
export function progressLine(goal: Pick<GoalDetail, "status" | "tasks">, width = 24): string {
  const total = goal.tasks.total || 0;
  const finished = goal.tasks.completed + goal.tasks.failed + goal.tasks.skipped + goal.tasks.cancelled;
  const share = total ? finished / total : 0;
  const filled = Math.round(share * width);
  const counts = STATUS_ORDER.filter((s) => goal.tasks[s] > 0).map((s) => `${s} ${goal.tasks[s]}`);
  return `[${"█".repeat(filled)}${"░".repeat(width - filled)}] ${String(Math.round(share * 100)).padStart(3)}% ${finished}/${total} · ${goal.status} · ${counts.join(" · ") || "no tasks"}`;
}

function eventLine(e: ApiEvent, keys: Map<string, string>): string {
  const key = e.subtask_id ? (keys.get(e.subtask_id) ?? e.subtask_id.slice(0, 8)) : "";
  // Payloads differ by type; a line shows an error or the agent, where the event has one.
  const data = e.data as { error?: unknown; agent_name?: unknown };
  const detail =
    typeof data.error === "string"
      ? ` — ${data.error.split("\n")[0]!.slice(0, 100)}`
      : typeof data.agent_name === "string"
        ? ` → ${data.agent_name}`
        : "";
  return `  ${e.created_at.slice(11, 19)} ${e.type}${key ? ` ${key}` : ""}${detail}`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function watchGoal(client: SwitchyardClient, goalId: string, io: Io, intervalMs: number): Promise<GoalDetail> {
  let after = 0;
  let lastLine = "";
  const recent: string[] = [];
  let drawn = 0;
  for (;;) {
    const goal = await client.goal(goalId);
    const keys = new Map(goal.subtasks.map((s) => [s.uuid, s.key]));
    const fresh: string[] = [];
    for (;;) {
      const page = await client.events({ goal_id: goalId, after, limit: 500 });
      for (const e of page.events) fresh.push(eventLine(e, keys));
      after = page.last_seq > after ? page.last_seq : after;
      if (page.events.length < 500) break;
    }
    const line = progressLine(goal);
    if (io.isTTY) {
      recent.push(...fresh);
      recent.splice(0, Math.max(0, recent.length - 5));
      const block = [line, ...recent];
      io.out(`${drawn ? `\x1b[${drawn}A\x1b[J` : ""}${block.join("\n")}\n`);
      drawn = block.length;
    } else {
      for (const f of fresh) io.out(`${f}\n`);
      if (line !== lastLine) io.out(`${line}\n`);
    }
    lastLine = line;
    if (isGoalFinished(goal.status)) return goal;
    await sleep(intervalMs);
  }
}

function writeFiles(dir: string, files: Map<string, string>, written: Map<string, string>): number {
  let changed = 0;
  for (const [rel, content] of files) {
    if (written.get(rel) === content) continue;
    const file = path.join(dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
    written.set(rel, content);
    changed++;
  }
  return changed;
}

async function exportGoal(
  client: SwitchyardClient,
  goalId: string,
  dir: string,
  watch: boolean,
  io: Io,
  intervalMs: number,
): Promise<GoalDetail> {
  const written = new Map<string, string>();
  for (;;) {
    const [goal, plan] = await Promise.all([client.goal(goalId), client.planMarkdown(goalId)]);
    const changed = writeFiles(dir, seed003Files(goal, plan), written);
    if (changed > 0 || !watch) io.out(`${dir}: ${changed} file(s) written · ${progressLine(goal)}\n`);
    if (!watch || isGoalFinished(goal.status)) return goal;
    await sleep(intervalMs);
  }
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return (
    rows
      .map((r) =>
        r
          .map((c, i) => c.padEnd(widths[i]!))
          .join("  ")
          .trimEnd(),
      )
      .join("\n") + "\n"
  );
}

/** Runs one command line; resolves to the exit code. */
export async function runSwitchyard(
  argv: string[],
  env: Record<string, string | undefined> = process.env,
  io: Io = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t), isTTY: !!process.stdout.isTTY },
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        server: { type: "string" },
        token: { type: "string" },
        context: { type: "string" },
        wait: { type: "boolean" },
        dir: { type: "string" },
        watch: { type: "boolean" },
        status: { type: "string" },
        json: { type: "boolean" },
        "interval-ms": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    io.err(`switchyard: ${error instanceof Error ? error.message : String(error)}\n\n${SWITCHYARD_USAGE}\n`);
    return 2;
  }
  const { values: o, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (o.help || !command) {
    (o.help ? io.out : io.err)(`${SWITCHYARD_USAGE}\n`);
    return o.help ? 0 : 2;
  }
  const server = o.server ?? env.SWITCHYARD_URL ?? "http://localhost:3000";
  const intervalMs = o["interval-ms"] === undefined ? 500 : Number(o["interval-ms"]);
  const one = (what: string) => {
    if (rest.length !== 1) throw new UsageError(`${command} takes one ${what}`);
    return rest[0]!;
  };
  try {
    if (!URL.canParse(server)) throw new UsageError("--server must be a URL like http://localhost:3000");
    if (!Number.isInteger(intervalMs) || intervalMs < 10) throw new UsageError("--interval-ms must be a whole number of at least 10");
    const client = new SwitchyardClient({ baseUrl: server, operatorToken: o.token ?? env.SWITCHYARD_OPERATOR_TOKEN });
    const print = (value: unknown, text: string) => io.out(o.json ? `${JSON.stringify(value, null, 2)}\n` : text);
    switch (command) {
      case "submit": {
        const created = await client.createGoal(submitRequest(one("plan file or goal text"), o.context));
        print(created, `goal ${created.goal_id} · ${created.subtasks.length} tasks (${created.template})\n`);
        if (!o.wait || !created.goal_id) return 0;
        const goal = await watchGoal(client, created.goal_id, o.json ? { ...io, out: () => undefined } : io, intervalMs);
        if (o.json) io.out(`${JSON.stringify(await client.result(goal.id), null, 2)}\n`);
        else {
          io.out(`goal ${goal.id} ${goal.status} in ${(goal.elapsed_ms / 1000).toFixed(1)}s\n`);
          if (goal.result?.final_output) io.out(`\n${goal.result.final_output}\n`);
        }
        return goal.status === "complete" ? 0 : 1;
      }
      case "export": {
        const goal = await exportGoal(client, one("goal id"), path.resolve(o.dir ?? ".orchestrator"), !!o.watch, io, intervalMs);
        return !o.watch || goal.status === "complete" ? 0 : 1;
      }
      case "status": {
        if (rest.length) throw new UsageError("status takes no arguments");
        const s = await client.status();
        const line = (name: string, counts: Record<string, number>) =>
          `${name.padEnd(7)} ${
            Object.entries(counts)
              .filter(([k, v]) => k !== "total" && v > 0)
              .map(([k, v]) => `${k} ${v}`)
              .join(" · ") || "none"
          } (total ${counts.total ?? 0})`;
        print(
          s,
          `${[line("agents", { idle: s.agents.idle, busy: s.agents.busy, offline: s.agents.offline, total: s.agents.total }), line("tasks", s.tasks), line("goals", s.goals)].join("\n")}\n`,
        );
        return 0;
      }
      case "goals": {
        if (rest.length) throw new UsageError("goals takes no arguments");
        const goals = await client.goals(o.status ? { status: o.status as never } : {});
        print(
          goals,
          goals.length
            ? table([
                ["ID", "STATUS", "DONE", "CREATED", "GOAL"],
                ...goals.map((g) => [
                  g.id,
                  g.status,
                  `${g.tasks.completed}/${g.tasks.total}`,
                  g.created_at.slice(0, 19).replace("T", " "),
                  g.goal.split("\n")[0]!.slice(0, 60),
                ]),
              ])
            : "no goals\n",
        );
        return 0;
      }
      case "retry": {
        const r = await client.retryTask(one("task id"));
        print(
          r,
          `task ${r.subtask.key} ${r.subtask.status}${r.unskipped.length ? ` · ${r.unskipped.length} dependent(s) wait again` : ""}\n`,
        );
        return 0;
      }
      case "cancel": {
        const r = await client.cancelTask(one("task id"));
        print(r, `task ${r.subtask.key} ${r.subtask.status}${r.skipped.length ? ` · ${r.skipped.length} dependent(s) skipped` : ""}\n`);
        return 0;
      }
      default:
        throw new UsageError(`unknown command: ${command}`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`switchyard: ${error.message}\n\n${SWITCHYARD_USAGE}\n`);
      return 2;
    }
    if (error instanceof ApiError) {
      io.err(`switchyard: ${error.status || "network"} ${error.code}: ${error.message}${error.field ? ` (field ${error.field})` : ""}\n`);
      return 2;
    }
    throw error;
  }
}
