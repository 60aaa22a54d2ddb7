// Issue 9 end to end: real `switchyard-agent` processes against a real server process
// (production build in NEXT_DIST_DIR) and PostgreSQL: output streamed while a task runs
// is readable through the API before it completes and stays bounded; `::progress` and
// `::usage` lines are read and kept out of the output; the Claude CLI formats.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SwitchyardClient } from "switchyard-client";
import { startServer, type RunningServer } from "@/lib/testing/server";
import { waitFor } from "@/lib/testing/wait";
import { workerArgs, workerPool } from "@/lib/testing/worker-process";

let server: RunningServer;
let client: SwitchyardClient;
const workers = workerPool();
const scratch = mkdtempSync(path.join(tmpdir(), "sy-live-output-"));
const samples = path.join(import.meta.dirname, "fixtures", "claude-cli");

beforeAll(async () => {
  server = await startServer({ env: { NEXT_DIST_DIR: process.env.NEXT_DIST_DIR ?? ".next", SWEEP_INTERVAL_MS: "200" } });
  client = new SwitchyardClient({ baseUrl: server.url });
});

afterEach(workers.killAll);

afterAll(async () => {
  await server?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

function worker(skill: string, exec: string, extra: string[] = []) {
  return workers.start(workerArgs(server.url, { name: `${skill}-bot`, skills: skill, exec, heartbeatMs: 500 }, extra));
}

async function oneTask(skill: string, maxAttempts = 1): Promise<{ goalId: string; taskId: string }> {
  const created = await client.decompose({
    goal: `live ${skill}`,
    plan: { tasks: [{ key: "T-01", name: "Work", required_skills: [skill], max_attempts: maxAttempts }] },
  });
  return { goalId: created.goal_id!, taskId: created.subtasks[0]!.uuid };
}

const task = async (id: string) => (await fetch(`${server.url}/api/tasks/${id}`)).json();
const output = async (id: string, attempt?: number) =>
  (await fetch(`${server.url}/api/tasks/${id}/output${attempt ? `?attempt=${attempt}` : ""}`)).text();
const finished = (id: string) =>
  waitFor(
    async () => {
      const t = await task(id);
      return ["completed", "failed"].includes(t.status) ? t : undefined;
    },
    { timeoutMs: 30_000, what: `task ${id} to finish` },
  );

describe("switchyard-agent streams what a task does", () => {
  it("streams stdout and stderr while the task runs, reads ::progress and ::usage, and keeps them out of the output", async () => {
    const skill = "live_stream";
    const gate = path.join(scratch, "gate-1");
    const { taskId } = await oneTask(skill);
    const exec = [
      "echo 'reading intro.md'",
      "echo '::progress 0.4 reading files' >&2",
      "echo 'warning: slow disk' >&2",
      `echo '::usage {"input_tokens":1200,"output_tokens":300,"cost_usd":0.004}' >&2`,
      `while [ ! -e '${gate}' ]; do sleep 0.05; done`,
      "echo '::progress 0.9 writing' >&2",
      "echo 'done: 212 lines'",
    ].join("; ");
    worker(skill, exec);
    // Before the task ends: the output so far, the progress and the usage, through the API.
    const live = await waitFor(
      async () => {
        const [t, text] = await Promise.all([task(taskId), output(taskId)]);
        return t.status === "running" && text.includes("warning: slow disk") && t.progress === 0.4 && t.usage.cost_usd > 0
          ? { t, text }
          : undefined;
      },
      { timeoutMs: 20_000, what: "live output and progress while running" },
    );
    expect(live.t.message).toBe("reading files");
    expect(live.text).toContain("reading intro.md\n");
    expect(live.text).not.toContain("::progress");
    expect(live.text).not.toContain("::usage");
    expect(live.t.usage).toMatchObject({ input_tokens: 1200, output_tokens: 300 });
    writeFileSync(gate, "");
    const done = await finished(taskId);
    expect(done.status).toBe("completed");
    expect(done.result).toBe("reading intro.md\ndone: 212 lines\n"); // stdout stays the result
    expect(done.usage).toMatchObject({ input_tokens: 1200, output_tokens: 300, cost_usd: 0.004 });
    const text = await output(taskId);
    expect(text).toContain("done: 212 lines");
    expect(text).not.toContain("::");
    expect(done.attempts[0].progress).toBe(0.9);
  });

  it("keeps the stored output bounded (last 256 KiB, with a dropped-bytes marker) when a command prints far more", async () => {
    const skill = "live_flood";
    const { taskId } = await oneTask(skill);
    // ~1.5 MB of numbered lines to stderr (stdout stays small: it is the result).
    worker(skill, "seq 1 200000 | sed 's/$/ lorem ipsum/' >&2; echo ok");
    const done = await finished(taskId);
    expect(done.status).toBe("completed");
    const text = await output(taskId);
    const marker = /^… (\d+) bytes (dropped)/.exec(text);
    expect(marker).not.toBeNull();
    const body = text.slice(text.indexOf("\n") + 1);
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(256 * 1024);
    expect(body).toContain("200000 lorem ipsum\n");
    // More than the store keeps reached the server (the agent may itself drop some when the
    // command outruns its reports; it says so in the output).
    expect(done.attempts[0].output_bytes).toBeGreaterThan(256 * 1024);
    expect(done.attempts[0].dropped_bytes).toBe(done.attempts[0].output_bytes - 256 * 1024);
  });

  it("--result-format claude-json: the sample's result and usage; is_error fails the task and keeps its usage", async () => {
    const ok = await oneTask("claude_json_ok");
    worker("claude_json_ok", `cat '${path.join(samples, "result.json")}'`, ["--result-format", "claude-json"]);
    const done = await finished(ok.taskId);
    expect(done.status).toBe("completed");
    expect(done.result).toBe("Translated intro.md to Chinese and wrote docs/zh/intro.md (212 lines).");
    expect(done.usage).toMatchObject({ input_tokens: 1834, output_tokens: 2411, cost_usd: 0.04213 });

    const bad = await oneTask("claude_json_err");
    worker("claude_json_err", `cat '${path.join(samples, "result-error.json")}'`, ["--result-format", "claude-json"]);
    const failed = await finished(bad.taskId);
    expect(failed.status).toBe("failed");
    expect(failed.error).toContain("error_max_turns");
    expect(failed.usage).toMatchObject({ input_tokens: 9210, output_tokens: 6033, cost_usd: 0.1172 });
  });

  it("--result-format claude-stream-json: live progress messages and output lines while it runs, then result and usage", async () => {
    const skill = "claude_stream";
    const gate = path.join(scratch, "gate-stream");
    const { taskId } = await oneTask(skill);
    const stream = path.join(samples, "stream.ndjson");
    // Every line but the result, then wait for the gate, then the result line.
    worker(skill, `head -n 6 '${stream}'; while [ ! -e '${gate}' ]; do sleep 0.05; done; tail -n 1 '${stream}'`, [
      "--result-format",
      "claude-stream-json",
    ]);
    const live = await waitFor(
      async () => {
        const [t, text] = await Promise.all([task(taskId), output(taskId)]);
        return t.status === "running" && text.includes("▸ Write docs/zh/intro.md") ? { t, text } : undefined;
      },
      { timeoutMs: 20_000, what: "stream-json progress while running" },
    );
    expect(live.t.message).toBe("Translated intro.md to Chinese and wrote docs/zh/intro.md (212 lines).");
    expect(live.text).toContain("▸ Read docs/intro.md");
    expect(live.text).not.toContain('"type":"assistant"');
    writeFileSync(gate, "");
    const done = await finished(taskId);
    expect(done.status).toBe("completed");
    expect(done.result).toBe("Translated intro.md to Chinese and wrote docs/zh/intro.md (212 lines).");
    expect(done.usage).toMatchObject({ input_tokens: 1834, output_tokens: 2411, cost_usd: 0.04213, model: "claude-sonnet-4-5" });
  });
});
