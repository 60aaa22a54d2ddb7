import { describe, expect, it } from "vitest";
import { runCommand } from "../src/run-command";
import { commandTimeoutMs, failureMessage } from "../src/worker";
import { parseCli } from "../src/cli-options";
import { waitFor } from "@/lib/testing/wait";

const base = { stdin: "", env: {}, timeoutMs: 10_000 };

describe("runCommand", () => {
  it("gives the command its stdin and env, and returns stdout and the exit code", async () => {
    const out = await runCommand({
      ...base,
      command: 'read line; echo "$line/$GREETING"; exit 0',
      stdin: "hello\n",
      env: { GREETING: "hi" },
    });
    expect(out).toMatchObject({ kind: "exited", exitCode: 0, stdout: "hello/hi\n", stdoutTruncated: false });
  });

  it("does not hand the worker's credentials to the task's command", async () => {
    process.env.SWITCHYARD_OPERATOR_TOKEN = "operator-secret-value";
    process.env.SWITCHYARD_REGISTRATION_TOKEN = "registration-secret-value";
    try {
      const out = await runCommand({ ...base, command: 'echo "[$SWITCHYARD_OPERATOR_TOKEN][$SWITCHYARD_REGISTRATION_TOKEN][$HOME]"' });
      expect(out.stdout).toBe(`[][][${process.env.HOME}]\n`);
    } finally {
      delete process.env.SWITCHYARD_OPERATOR_TOKEN;
      delete process.env.SWITCHYARD_REGISTRATION_TOKEN;
    }
  });

  it("caps stdout and keeps only the tail of stderr", async () => {
    const out = await runCommand({
      ...base,
      command: "head -c 5000 /dev/zero | tr '\\0' a; seq 1 5000 >&2; exit 4",
      maxStdoutBytes: 1000,
      maxStderrBytes: 100,
    });
    expect(out.exitCode).toBe(4);
    expect(out.stdout).toBe("a".repeat(1000));
    expect(out.stdoutTruncated).toBe(true);
    expect(out.stderrTail.length).toBeLessThanOrEqual(100);
    expect(out.stderrTail.trimEnd().endsWith("4999\n5000")).toBe(true);
  });

  it("kills the whole process group at the timeout", async () => {
    const out = await runCommand({ ...base, command: "sleep 30 & echo $!; wait", timeoutMs: 300 });
    expect(out.kind).toBe("timed_out");
    const child = Number(out.stdout.trim());
    const gone = () => {
      try {
        process.kill(child, 0);
        return false;
      } catch {
        return true;
      }
    };
    await waitFor(gone, { timeoutMs: 5000, what: "the background sleep to be killed" });
    expect(failureMessage(out, 1)).toBe("timed out after 1s: process group killed");
  });

  it("stops on abort", async () => {
    const abort = new AbortController();
    const running = runCommand({ ...base, command: "sleep 30", signal: abort.signal });
    abort.abort();
    expect((await running).kind).toBe("aborted");
  });
});

describe("worker helpers", () => {
  it("uses the nearer of the task timeout and the server's deadline", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(commandTimeoutMs({ timeout_s: 60, deadline_at: "2026-01-01T00:00:10Z" }, now)).toBe(10_000);
    expect(commandTimeoutMs({ timeout_s: 5, deadline_at: "2026-01-01T00:00:10Z" }, now)).toBe(5_000);
    expect(commandTimeoutMs({ timeout_s: 5, deadline_at: "nonsense" }, now)).toBe(5_000);
  });

  it("parses the command line with clear errors", () => {
    const ok = parseCli(["--exec", "cat", "--skills", "a, b", "--capacity", "3"], { SWITCHYARD_URL: "http://sy:3000" });
    expect(ok).toMatchObject({
      help: false,
      options: { server: "http://sy:3000", skills: ["a", "b"], capacity: 3, exec: "cat", "poll-ms": 1000, stdin: "json" },
    });
    expect(parseCli(["--exec", "x", "--stdin", "yaml"])).toEqual({ help: false, error: "--stdin must be json or markdown" });
    expect(parseCli(["--capacity", "0", "--exec", "x"])).toEqual({ help: false, error: "--capacity must be at least 1" });
    expect(parseCli(["--skills", "a"])).toEqual({ help: false, error: "--exec 'command' is required" });
    expect(parseCli(["--bogus"])).toMatchObject({ error: expect.stringMatching(/Unknown option '--bogus'/) });
    expect(parseCli(["-h"])).toEqual({ help: true });
  });
});

describe("renderTaskMarkdown", () => {
  it("renders seed 003's task assignment with the inputs' results", async () => {
    const { renderTaskMarkdown } = await import("../src/task-markdown");
    const md = renderTaskMarkdown({
      subtask_uuid: "u",
      goal_id: "g",
      agent_id: "a",
      attempt: 2,
      key: "T-03",
      name: "Implementation",
      description: "Implement the design.",
      required_skills: ["coding"],
      priority: "HIGH",
      timeout_s: 600,
      deadline_at: "2026-01-01T00:10:00Z",
      goal: "Build auth",
      context: "Node",
      inputs: [{ key: "T-02", name: "Design Phase", result: "Use JWT | RS256" }],
    });
    expect(md).toContain("# 🤖 T-03 Task Assignment");
    expect(md).toContain("- **Priority**: P1 (HIGH)");
    expect(md).toContain("| Design Phase | result | T-02 | see below |");
    expect(md).toContain("### Result of T-02: Design Phase\nUse JWT | RS256");
    expect(md).toContain("## Task Description\nImplement the design.");
  });
});
