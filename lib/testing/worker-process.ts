// Starts the real worker command (packages/switchyard-agent, from source through tsx, so
// tests see edits without a build) as a child process for tests.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

export interface WorkerProcess {
  process: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  /** Sends a signal and waits for the exit code. */
  signal: (signal: NodeJS.Signals) => Promise<number | null>;
}

const root = path.resolve(import.meta.dirname, "../..");

/** node arguments that run `switchyard-agent` from source (cwd: the repository root). */
export const agentNodeArgs = (args: string[]) => ["--import", "tsx", path.join(root, "packages/switchyard-agent/src/cli.ts"), ...args];

export function startWorker(args: string[], env: Record<string, string> = {}): WorkerProcess {
  return startProcess(process.execPath, agentNodeArgs(args), { env });
}

/** Any command as a child process (the installed agent, the `switchyard` CLI, python3): output collected. */
export function startProcess(command: string, args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): WorkerProcess {
  const child = spawn(command, args, {
    cwd: options.cwd ?? root,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout!.on("data", (d) => (log += d));
  child.stderr!.on("data", (d) => (log += d));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    process: child,
    output: () => log,
    exited,
    signal: async (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/**
 * A test worker's flags: this server, its name, skills and command, a pull every 100 ms and,
 * when given, its capacity and heartbeat; `more` after them.
 */
export function workerArgs(
  server: string,
  worker: { name: string; skills: string; exec: string; capacity?: number; heartbeatMs?: number },
  more: string[] = [],
): string[] {
  return [
    "--server",
    server,
    "--name",
    worker.name,
    "--skills",
    worker.skills,
    ...(worker.capacity === undefined ? [] : ["--capacity", String(worker.capacity)]),
    "--exec",
    worker.exec,
    "--poll-ms",
    "100",
    ...(worker.heartbeatMs === undefined ? [] : ["--heartbeat-ms", String(worker.heartbeatMs)]),
    ...more,
  ];
}

/** The workers a test file starts, so that a hook can kill them all (SIGKILL) after each test or at the end. */
export function workerPool() {
  let started: WorkerProcess[] = [];
  return {
    start(args: string[], env: Record<string, string> = {}): WorkerProcess {
      const worker = startWorker(args, env);
      started.push(worker);
      return worker;
    },
    async killAll(): Promise<void> {
      const running = started;
      started = [];
      await Promise.all(running.map((w) => w.signal("SIGKILL")));
    },
  };
}
