// Runs one task's shell command: `sh -c <command>` in its own process group, the task as
// JSON on stdin and its fields in SWITCHYARD_* environment variables. Stdout is kept up to
// a cap (the result), stderr's tail (the failure). A deadline or an abort kills the whole
// group: SIGTERM, then SIGKILL after a short grace.
import { spawn } from "node:child_process";

export interface CommandOutcome {
  kind: "exited" | "timed_out" | "aborted" | "spawn_error";
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stdoutTruncated: boolean;
  stderrTail: string;
  durationMs: number;
}

export interface RunCommandOptions {
  command: string;
  stdin: string;
  env: Record<string, string>;
  cwd?: string;
  timeoutMs: number;
  maxStdoutBytes?: number;
  maxStderrBytes?: number;
  /** Aborting kills the process group (shutdown). */
  signal?: AbortSignal;
  killGraceMs?: number;
  /** Called with the child's pid once it runs. */
  onSpawn?: (pid: number) => void;
  /** Each chunk of stdout / stderr as it comes (live output; issue 9). */
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
}

export const DEFAULT_MAX_STDOUT_BYTES = 1024 * 1024;
const DEFAULT_MAX_STDERR_BYTES = 8 * 1024;

/** A task's command runs what the task says; it gets none of the worker's credentials. */
const SECRET_VARIABLES = ["SWITCHYARD_OPERATOR_TOKEN", "SWITCHYARD_REGISTRATION_TOKEN"];

function withoutSecrets(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy = { ...env };
  for (const name of SECRET_VARIABLES) delete copy[name];
  return copy;
}

export function runCommand(options: RunCommandOptions): Promise<CommandOutcome> {
  const started = Date.now();
  const maxStdout = options.maxStdoutBytes ?? DEFAULT_MAX_STDOUT_BYTES;
  const maxStderr = options.maxStderrBytes ?? DEFAULT_MAX_STDERR_BYTES;
  return new Promise((resolve) => {
    const child = spawn("sh", ["-c", options.command], {
      cwd: options.cwd,
      env: { ...withoutSecrets(process.env), ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
      detached: true, // its own process group, so a kill reaches everything it started
    });
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stdoutTruncated = false;
    let stderr = Buffer.alloc(0);
    let ending: CommandOutcome["kind"] | null = null;
    let killTimer: NodeJS.Timeout | undefined;

    const killGroup = (signal: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    };
    const stop = (kind: "timed_out" | "aborted") => {
      if (ending) return;
      ending = kind;
      killGroup("SIGTERM");
      killTimer = setTimeout(() => killGroup("SIGKILL"), options.killGraceMs ?? 1000);
      killTimer.unref();
    };
    const timer = setTimeout(() => stop("timed_out"), Math.max(0, options.timeoutMs));
    const onAbort = () => stop("aborted");
    if (options.signal?.aborted) queueMicrotask(onAbort);
    options.signal?.addEventListener("abort", onAbort, { once: true });

    child.stdout.on("data", (chunk: Buffer) => {
      options.onStdout?.(chunk);
      if (stdoutBytes >= maxStdout) {
        stdoutTruncated = true;
        return;
      }
      const room = maxStdout - stdoutBytes;
      if (chunk.length > room) {
        stdoutTruncated = true;
        chunk = chunk.subarray(0, room);
      }
      stdout.push(chunk);
      stdoutBytes += chunk.length;
    });
    child.stderr.on("data", (chunk: Buffer) => {
      options.onStderr?.(chunk);
      stderr = Buffer.concat([stderr, chunk]);
      if (stderr.length > maxStderr * 2) stderr = stderr.subarray(stderr.length - maxStderr);
    });
    // A command that never reads stdin closes the pipe: that is not an error.
    child.stdin.on("error", () => undefined);
    child.stdin.end(options.stdin);

    let spawnError: Error | undefined;
    child.once("error", (error) => (spawnError = error));
    if (child.pid !== undefined) options.onSpawn?.(child.pid);

    child.once("close", (code, signal) => {
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      options.signal?.removeEventListener("abort", onAbort);
      // Anything the command left behind in its group goes with it.
      if (ending) killGroup("SIGKILL");
      const tail = stderr.length > maxStderr ? stderr.subarray(stderr.length - maxStderr) : stderr;
      resolve({
        kind: spawnError ? "spawn_error" : (ending ?? "exited"),
        exitCode: code,
        signal,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stdoutTruncated,
        stderrTail: spawnError ? String(spawnError.message) : tail.toString("utf8"),
        durationMs: Date.now() - started,
      });
    });
  });
}
