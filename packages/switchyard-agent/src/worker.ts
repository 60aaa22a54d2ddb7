// The worker loop behind `switchyard-agent`: register, heartbeat on a schedule, pull
// tasks up to capacity, run the command once per task, report the outcome. Survives a
// server that goes away (backoff, then carries on; re-registers if the server forgot
// it) and shuts down cleanly: stop pulling, let running tasks finish within a grace
// period, kill the rest and unregister so the server re-routes them.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { ApiError, SwitchyardClient, type Assignment, type SpawnRequest } from "switchyard-client";
import { runCommand, type CommandOutcome } from "./run-command.js";
import { renderTaskMarkdown } from "./task-markdown.js";
import { addUsage, isEmptyUsage, LineSplitter, parseDirective, ProgressReporter, type Directive } from "./report-stream.js";
import { ClaudeStreamParser, parseClaudeJson, type ClaudeOutcome, type ResultFormat } from "./result-format.js";
import type { UsageReport as Usage } from "switchyard-client";
import { Backoff } from "./backoff.js";

export interface WorkerOptions {
  server: string;
  skills: string[];
  capacity: number;
  name?: string;
  command: string;
  /** What the command reads on stdin: the assignment as JSON (default) or seed 003's markdown task. */
  stdinFormat?: "json" | "markdown";
  /** Agent token from a previous registration, to act as that agent again. */
  token?: string;
  operatorToken?: string;
  /** SWITCHYARD_REGISTRATION_TOKEN, when the server requires one to register. */
  registrationToken?: string;
  pollMs: number;
  heartbeatMs: number;
  /** How long running tasks may go on after a shutdown signal. */
  graceMs: number;
  maxStdoutBytes?: number;
  cwd?: string;
  /** How stdout is read: the result as text (default), or Claude CLI JSON / stream-json (issue 9). */
  resultFormat?: ResultFormat;
  /** How often output and progress are reported while a task runs (default 250 ms). */
  progressMs?: number;
  log?: (line: string) => void;
  /** Called once registered (the token, e.g. to save it). */
  onRegistered?: (agent: { agentId: string; token: string; name: string }) => void;
}

interface Running {
  assignment: Assignment;
  abort: AbortController;
  done: Promise<void>;
}

// Each loop and each pending report keeps its own schedule (a shared one multiplied under
// concurrent failures: 31.7 s after an 8 s outage). Reports retry at most ~2.5 s apart, so
// a result finished during an outage reaches the server within seconds of its return.
const LOOP_BACKOFF = { initialMs: 500, maxMs: 15_000 };
const REPORT_BACKOFF = { initialMs: 250, maxMs: 2_000 };
const ERROR_TAIL_CHARS = 4000;

export function taskEnvironment(a: Assignment, server: string): Record<string, string> {
  return {
    SWITCHYARD_URL: server,
    SWITCHYARD_AGENT_ID: a.agent_id,
    SWITCHYARD_TASK_ID: a.subtask_uuid,
    SWITCHYARD_TASK_KEY: a.key,
    SWITCHYARD_TASK_NAME: a.name,
    SWITCHYARD_TASK_DESCRIPTION: a.description,
    SWITCHYARD_TASK_SKILLS: a.required_skills.join(","),
    SWITCHYARD_TASK_PRIORITY: a.priority,
    SWITCHYARD_TASK_TIMEOUT_S: String(a.timeout_s),
    SWITCHYARD_TASK_DEADLINE: String(a.deadline_at),
    SWITCHYARD_GOAL_ID: a.goal_id,
    SWITCHYARD_GOAL: a.goal,
    SWITCHYARD_CONTEXT: a.context ?? "",
    SWITCHYARD_ATTEMPT: String(a.attempt),
    SWITCHYARD_INPUTS: JSON.stringify(a.inputs),
    // The operator's feedback on a rejected previous attempt, and that attempt (its result, error, feedback).
    SWITCHYARD_FEEDBACK: a.feedback ?? "",
    SWITCHYARD_PREVIOUS_ATTEMPT: a.previous_attempt ? JSON.stringify(a.previous_attempt) : "",
  };
}

/**
 * What the command wrote to SWITCHYARD_SPAWN_FILE: nothing (no spawn), a plan
 * `{"tasks": [...]}` (or just the array of tasks), or something unusable (an error).
 */
export function parseSpawnFile(text: string | null): { spawn?: SpawnRequest; error?: string } {
  if (text === null || text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { error: `SWITCHYARD_SPAWN_FILE is not JSON: ${(error as Error).message}` };
  }
  if (Array.isArray(value)) return { spawn: { tasks: value as SpawnRequest["tasks"] } };
  if (value && typeof value === "object" && Array.isArray((value as { tasks?: unknown }).tasks)) return { spawn: value as SpawnRequest };
  return { error: 'SWITCHYARD_SPAWN_FILE must hold a plan {"tasks": [...]}' };
}

/** Time the command may run: the task's timeout from now, or less if the server's deadline is nearer. */
export function commandTimeoutMs(a: Pick<Assignment, "timeout_s" | "deadline_at">, now = Date.now()): number {
  const byTimeout = a.timeout_s * 1000;
  const byDeadline = Date.parse(String(a.deadline_at)) - now;
  return Number.isFinite(byDeadline) && byDeadline > 0 && byDeadline < byTimeout ? byDeadline : byTimeout;
}

/** The failure message of a command that did not succeed: why, then the tail of stderr. */
export function failureMessage(outcome: CommandOutcome, timeoutS: number): string {
  const why =
    outcome.kind === "timed_out"
      ? `timed out after ${timeoutS}s: process group killed`
      : outcome.kind === "spawn_error"
        ? "could not start the command"
        : outcome.signal
          ? `killed by ${outcome.signal}`
          : `exit code ${outcome.exitCode}`;
  const tail = outcome.stderrTail.trim();
  const text = tail ? `${why}\n${tail.length > ERROR_TAIL_CHARS ? `…${tail.slice(-ERROR_TAIL_CHARS)}` : tail}` : why;
  return text;
}

/** stderr without the `::progress` / `::usage` lines (they are reports, not part of a failure's message). */
export function withoutDirectives(stderr: string): string {
  return stderr
    .split("\n")
    .filter((line) => !parseDirective(line))
    .join("\n");
}

/** PostgreSQL text cannot hold NUL: a command's binary output loses them. */
export function storable(text: string): string {
  return text.includes("\u0000") ? text.replace(/\u0000/g, "") : text;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

export class Worker {
  readonly client: SwitchyardClient;
  private readonly options: WorkerOptions;
  private readonly running = new Map<string, Running>();
  private readonly stopping = new AbortController();
  private wake = new AbortController();
  private heartbeatTimer?: NodeJS.Timeout;
  private loop?: Promise<void>;
  private serverAway = false;
  /** Aborted (and replaced) when a call succeeds again: wakes every loop and report asleep in a backoff. */
  private serverBack = new AbortController();
  /** Reports the server could not take (it is away): sent before anything new is pulled. */
  private waitingReports = 0;
  name: string;

  constructor(options: WorkerOptions) {
    this.options = options;
    this.name = options.name ?? "worker";
    this.client = new SwitchyardClient({
      baseUrl: options.server,
      agentToken: options.token,
      operatorToken: options.operatorToken,
      registrationToken: options.registrationToken,
    });
  }

  private log(line: string) {
    (this.options.log ?? ((l: string) => console.log(l)))(`[${this.name}] ${line}`);
  }

  get agentId(): string | undefined {
    return this.client.agentId;
  }

  get runningCount(): number {
    return this.running.size;
  }

  /** Registers (waiting for the server if need be) and starts the loops. */
  async start(): Promise<void> {
    if (!this.client.agentToken) await this.register();
    else this.log(`acting as agent ${this.client.agentId}`);
    this.heartbeatTimer = setInterval(() => void this.beat(), this.options.heartbeatMs);
    this.loop = this.pullLoop();
  }

  private async register(): Promise<void> {
    const backoff = new Backoff(LOOP_BACKOFF);
    for (;;) {
      try {
        const agent = await this.client.register({ skills: this.options.skills, capacity: this.options.capacity, name: this.options.name });
        this.name = agent.name;
        this.serverUp();
        this.log(
          `registered as agent ${agent.agent_id} with skills [${agent.skills.join(", ")}], capacity ${agent.capacity}, on ${this.options.server}`,
        );
        this.options.onRegistered?.({ agentId: agent.agent_id, token: agent.token, name: agent.name });
        return;
      } catch (error) {
        if (!(error instanceof ApiError) || !error.isTransient) throw error;
        await this.backoff(backoff, error);
        if (this.stopping.signal.aborted) throw new Error("stopped before registering");
      }
    }
  }

  private serverUp() {
    if (!this.serverAway) return;
    this.log("server is back");
    this.serverAway = false;
    const back = this.serverBack;
    this.serverBack = new AbortController();
    back.abort();
  }

  /** Waits out one step of `backoff`, or less: a success anywhere (the server is back) or a shutdown ends the wait. */
  private async backoff(backoff: Backoff, error: ApiError, what = "") {
    const wait = backoff.next(error.retryAfterMs);
    if (!this.serverAway) this.log(`server unavailable (${error.message}); ${what}retrying in ${seconds(wait)}`);
    this.serverAway = true;
    await sleep(wait, AbortSignal.any([this.stopping.signal, this.serverBack.signal]));
  }

  /** The server no longer knows this agent (removed, or its database was reset): register again. */
  private async recoverIdentity(error: ApiError): Promise<boolean> {
    if (error.status !== 401 && !(error.status === 404 && error.field === "agent_id")) return false;
    this.log(`the server does not know this agent any more (${error.message}); registering again`);
    this.client.agentToken = undefined;
    this.client.agentId = undefined;
    await this.register();
    return true;
  }

  private async beat(): Promise<void> {
    if (this.stopping.signal.aborted || !this.client.agentId) return;
    try {
      await this.client.heartbeat();
      this.serverUp();
    } catch (error) {
      if (error instanceof ApiError && !error.isTransient) await this.recoverIdentity(error).catch(() => undefined);
      // Transient errors: the pull loop does the backing off and the logging.
    }
  }

  private async pullLoop(): Promise<void> {
    const backoff = new Backoff(LOOP_BACKOFF);
    while (!this.stopping.signal.aborted) {
      const free = this.options.capacity - this.running.size;
      // Finished results go first: no new work until the server has taken them.
      if (free > 0 && this.waitingReports === 0) {
        try {
          const { assignments } = await this.client.pull({ max: free });
          backoff.reset();
          this.serverUp();
          for (const a of assignments) this.startTask(a);
          if (assignments.length > 0) continue; // there may be more
        } catch (error) {
          if (error instanceof ApiError && error.isTransient) {
            await this.backoff(backoff, error);
            continue;
          }
          if (error instanceof ApiError && (await this.recoverIdentity(error).catch(() => false))) continue;
          this.log(`pull failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      this.wake = new AbortController();
      await sleep(this.options.pollMs, AbortSignal.any([this.stopping.signal, this.wake.signal]));
    }
  }

  private startTask(a: Assignment) {
    const abort = new AbortController();
    const entry: Running = { assignment: a, abort, done: Promise.resolve() };
    this.running.set(a.subtask_uuid, entry);
    entry.done = this.runTask(a, abort.signal)
      .catch((error) => this.log(`${a.key}: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        this.running.delete(a.subtask_uuid);
        this.wake.abort(); // capacity is free: pull again now
      });
  }

  private async runTask(a: Assignment, signal: AbortSignal): Promise<void> {
    const timeoutMs = commandTimeoutMs(a);
    const label = `${a.key} "${a.name}" (goal ${a.goal_id.slice(0, 8)}, attempt ${a.attempt})`;
    this.log(`▶ ${label} started (timeout ${a.timeout_s}s)`);
    // The command may add tasks to the goal by writing a plan to this file (a spawn).
    const spawnDir = await mkdtemp(path.join(tmpdir(), "switchyard-spawn-"));
    const spawnFile = path.join(spawnDir, "spawn.json");
    try {
      await this.runTaskCommand(a, signal, label, timeoutMs, spawnFile);
    } finally {
      await rm(spawnDir, { recursive: true, force: true }).catch(() => undefined);
    }
  }

  private async runTaskCommand(a: Assignment, signal: AbortSignal, label: string, timeoutMs: number, spawnFile: string): Promise<void> {
    // Issue 9: stdout and stderr stream to the server as output while the command runs;
    // `::progress` / `::usage` lines on stderr are reports, not output.
    const format = this.options.resultFormat ?? "text";
    const reporter = new ProgressReporter({
      client: this.client,
      subtaskId: a.subtask_uuid,
      attempt: a.attempt,
      intervalMs: this.options.progressMs,
      log: (l) => this.log(`${a.key}: ${l}`),
    });
    const apply = (d: Directive) => (d.kind === "usage" ? reporter.addUsage(d.usage) : reporter.report(d));
    const stderrLines = new LineSplitter();
    const onStderrLine = (line: string) => {
      const directive = parseDirective(line);
      if (directive) apply(directive);
      else reporter.addOutput(`${line}\n`);
    };
    const stream = format === "claude-stream-json" ? new ClaudeStreamParser() : undefined;
    const stdoutLines = new LineSplitter();
    const stdoutText = new TextDecoder();
    const onStdoutLine = (line: string) => {
      const step = stream!.push(line);
      if (step.output) reporter.addOutput(step.output);
      if (step.directive) apply(step.directive);
    };
    const outcome = await runCommand({
      onStdout: (chunk) => {
        if (format === "text") reporter.addOutput(stdoutText.decode(chunk, { stream: true }));
        else if (stream) stdoutLines.push(chunk).forEach(onStdoutLine);
      },
      onStderr: (chunk) => stderrLines.push(chunk).forEach(onStderrLine),
      command: this.options.command,
      stdin: this.options.stdinFormat === "markdown" ? renderTaskMarkdown(a) : JSON.stringify(a),
      env: { ...taskEnvironment(a, this.options.server), SWITCHYARD_SPAWN_FILE: spawnFile },
      cwd: this.options.cwd,
      timeoutMs,
      maxStdoutBytes: this.options.maxStdoutBytes,
      signal,
    });
    stderrLines.end().forEach(onStderrLine);
    if (stream) stdoutLines.end().forEach(onStdoutLine);
    if (outcome.kind === "aborted") {
      await reporter.close();
      this.log(`■ ${label} stopped by shutdown after ${seconds(outcome.durationMs)}; released to the pool`);
      return;
    }
    // What the command's stdout says, by --result-format.
    let claude: ClaudeOutcome | undefined;
    if (format === "claude-json" && outcome.kind === "exited") claude = parseClaudeJson(outcome.stdout);
    if (stream)
      claude =
        stream.outcome ??
        (outcome.kind === "exited" && outcome.exitCode === 0
          ? { ok: false, result: "--result-format claude-stream-json: the stream ended without a result line", usage: {} }
          : undefined);
    const succeeded = outcome.kind === "exited" && outcome.exitCode === 0 && (claude === undefined || claude.ok);
    let usage: Usage = claude?.usage ?? {};
    let message: string;
    const spawned = succeeded ? parseSpawnFile(await readFile(spawnFile, "utf8").catch(() => null)) : {};
    if (succeeded && !spawned.error) {
      const note = outcome.stdoutTruncated ? " (stdout truncated)" : "";
      const result = storable(claude ? claude.result : outcome.stdout);
      const spawn = spawned.spawn;
      // Usage not yet reported rides on the completion; the output goes first.
      usage = addUsage(reporter.takeUsage(), usage);
      await reporter.close();
      const withUsage = isEmptyUsage(usage) ? {} : { usage };
      const reported = await this.report(a, () =>
        this.client.complete({ subtask_uuid: a.subtask_uuid, attempt: a.attempt, result, ...withUsage, ...(spawn ? { spawn } : {}) }),
      );
      if (reported === true) {
        const grew = spawn ? `, spawned ${spawn.tasks.length} task(s)` : "";
        this.log(`✔ ${label} completed in ${seconds(outcome.durationMs)}, ${Buffer.byteLength(result)} bytes of output${note}${grew}`);
        return;
      }
      // The server would not take this result (too large, invalid): fail the attempt rather than leave it running.
      if (!(reported instanceof ApiError) || (reported.status !== 400 && reported.status !== 413)) return;
      message = `the server refused the result: ${reported.message}`;
    } else {
      message =
        spawned.error ??
        (claude && !claude.ok
          ? claude.result
          : failureMessage({ ...outcome, stderrTail: withoutDirectives(outcome.stderrTail) }, a.timeout_s));
      // A failure carries no usage: it goes in a last progress report before the failure.
      reporter.addUsage(usage);
      await reporter.close();
    }
    const reported = await this.report(a, () =>
      this.client.fail({ subtask_uuid: a.subtask_uuid, attempt: a.attempt, error: storable(message) }),
    );
    const icon = outcome.kind === "timed_out" ? "⏱" : "✘";
    if (reported === true)
      this.log(`${icon} ${label} failed in ${seconds(outcome.durationMs)}: ${message.split("\n").slice(0, 2).join(" | ").slice(0, 300)}`);
  }

  /** Sends a report, retrying while the server is away; true once accepted, else the refusal. */
  private async report(a: Assignment, send: () => Promise<unknown>): Promise<true | unknown> {
    const backoff = new Backoff(REPORT_BACKOFF);
    let waiting = false;
    try {
      return await this.sendReport(a, send, backoff, () => {
        if (!waiting) this.waitingReports++;
        waiting = true;
      });
    } finally {
      if (waiting) {
        this.waitingReports--;
        this.wake.abort(); // the pull loop may go on
      }
    }
  }

  private async sendReport(a: Assignment, send: () => Promise<unknown>, backoff: Backoff, onWait: () => void): Promise<true | unknown> {
    for (;;) {
      try {
        await send();
        this.serverUp();
        return true;
      } catch (error) {
        if (error instanceof ApiError && error.isTransient && !this.stopping.signal.aborted) {
          onWait();
          await this.backoff(backoff, error, `${a.key}'s report waits; `);
          continue;
        }
        if (error instanceof ApiError && error.isTransient) {
          this.log(`${a.key}: could not report (server unavailable) while shutting down`);
          return error;
        }
        const reason = error instanceof ApiError && error.code === "stale_attempt" ? "superseded" : "refused";
        this.log(
          `${a.key} attempt ${a.attempt}: report ${reason} by the server (${error instanceof Error ? error.message : String(error)})`,
        );
        return error;
      }
    }
  }

  /**
   * Stops pulling, waits up to graceMs for running tasks, kills what is left (the server
   * gets those back through unregister) and unregisters.
   */
  async stop(options: { graceMs?: number } = {}): Promise<void> {
    if (this.stopping.signal.aborted) return;
    this.stopping.abort();
    clearInterval(this.heartbeatTimer);
    await this.loop;
    const grace = options.graceMs ?? this.options.graceMs;
    if (this.running.size > 0) {
      this.log(`stopping: waiting up to ${seconds(grace)} for ${this.running.size} running task(s)`);
      const all = Promise.all([...this.running.values()].map((r) => r.done));
      const keepAlive = setInterval(() => void this.client.heartbeat().catch(() => undefined), this.options.heartbeatMs);
      const finished = await Promise.race([all.then(() => true), sleep(grace).then(() => false)]);
      clearInterval(keepAlive);
      if (!finished) {
        for (const r of this.running.values()) r.abort.abort();
        await all;
      }
    }
    if (this.client.agentId && this.client.agentToken) {
      try {
        const gone = await this.client.unregister();
        this.log(`unregistered${gone.released.length ? `; ${gone.released.length} task(s) released to the pool` : ""}`);
      } catch (error) {
        this.log(`could not unregister: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}
