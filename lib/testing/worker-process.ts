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
