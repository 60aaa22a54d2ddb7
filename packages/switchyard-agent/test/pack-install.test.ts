// The published packages on their own: `npm pack` both workspaces, install the tarballs
// into an empty folder outside the repository (no way up to the app's node_modules),
// start the installed `switchyard-agent` against a real server and see a goal complete.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SwitchyardClient } from "switchyard-client";
import { startServer, type RunningServer } from "@/lib/testing/server";
import { waitFor } from "@/lib/testing/wait";
import { startProcess, type WorkerProcess } from "@/lib/testing/worker-process";

const root = path.resolve(import.meta.dirname, "../../..");
const scratch = mkdtempSync(path.join(tmpdir(), "sy-pack-"));
let server: RunningServer;
let agent: WorkerProcess | undefined;

/** Bytes of a folder tree (files only, symlinks not followed). */
function treeBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) total += treeBytes(p);
    else if (entry.isFile()) total += statSync(p).size;
  }
  return total;
}

function npm(args: string[], cwd: string): string {
  // A clean environment for npm: nothing of the app's (no npm_config_* of the running
  // `npm test`, no NODE_PATH), so the install sees only the tarballs and the registry cache.
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^npm_|^NODE_PATH$|^INIT_CWD$/i.test(k)) env[k] = v;
  return execFileSync("npm", args, { cwd, env: env as NodeJS.ProcessEnv, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

beforeAll(async () => {
  server = await startServer({ env: { NEXT_DIST_DIR: process.env.NEXT_DIST_DIR ?? ".next" } });
});

afterAll(async () => {
  await agent?.signal("SIGKILL");
  await server?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe("the published packages", () => {
  it("pack, install outside the repository and run a goal to completion from there", { timeout: 240_000 }, async () => {
    const tarballs = path.join(scratch, "tarballs");
    const app = path.join(scratch, "worker-machine");
    for (const dir of [tarballs, app]) execFileSync("mkdir", ["-p", dir]);

    // npm pack runs each package's prepack (tsc), so the tarball holds a fresh dist/.
    const packed: Record<string, { files: Array<{ path: string }>; filename: string }> = {};
    for (const name of ["switchyard-client", "switchyard-agent"]) {
      const out = JSON.parse(npm(["pack", "--json", "--pack-destination", tarballs], path.join(root, "packages", name))) as Array<{
        files: Array<{ path: string }>;
        filename: string;
      }>;
      packed[name] = out[0]!;
    }
    const clientFiles = packed["switchyard-client"]!.files.map((f) => f.path).sort();
    const agentFiles = packed["switchyard-agent"]!.files.map((f) => f.path).sort();
    console.log(`[pack] switchyard-client: ${clientFiles.join(", ")}`);
    console.log(`[pack] switchyard-agent: ${agentFiles.join(", ")}`);
    expect(clientFiles).toContain("dist/index.js");
    expect(clientFiles).toContain("dist/index.d.ts");
    expect(agentFiles).toContain("bin/switchyard-agent.mjs");
    expect(agentFiles).toContain("dist/cli.js");
    expect(agentFiles).toContain("bin/switchyard.mjs");
    expect([...clientFiles, ...agentFiles].filter((f) => /test|\.ts$/.test(f) && !f.endsWith(".d.ts"))).toEqual([]);

    // The published declarations stand alone: no imports of the app's modules or zod.
    for (const f of ["index.d.ts", "types.d.ts"]) {
      const dts = execFileSync("tar", ["-xOzf", path.join(tarballs, packed["switchyard-client"]!.filename), `package/dist/${f}`], {
        encoding: "utf8",
      });
      expect(dts).not.toMatch(/from "(\.\.\/|@\/|zod)/);
    }

    writeFileSync(path.join(app, "package.json"), JSON.stringify({ name: "worker-machine", private: true, type: "module" }));
    npm(
      [
        "install",
        "--prefer-offline",
        "--no-audit",
        "--no-fund",
        "--ignore-scripts=false",
        ...Object.values(packed).map((p) => path.join(tarballs, p.filename)),
      ],
      app,
    );
    const installed = readdirSync(path.join(app, "node_modules")).filter((n) => !n.startsWith("."));
    expect(installed.sort()).toEqual(["switchyard-agent", "switchyard-client"]);
    const bytes = treeBytes(path.join(app, "node_modules"));
    console.log(`[pack] installed worker with dependencies: ${(bytes / 1024).toFixed(1)} KiB in ${installed.length} packages`);
    expect(bytes).toBeLessThan(5 * 1024 * 1024);

    const bin = path.join(app, "node_modules", ".bin", "switchyard-agent");
    expect(existsSync(bin)).toBe(true);
    agent = startProcess(
      bin,
      [
        "--server",
        server.url,
        "--name",
        "installed-agent",
        "--skills",
        "writing",
        "--exec",
        `printf 'from the installed agent: %s' "$SWITCHYARD_TASK_KEY"`,
        "--poll-ms",
        "100",
        "--heartbeat-ms",
        "500",
      ],
      { cwd: app },
    );

    const client = new SwitchyardClient({ baseUrl: server.url });
    const goal = await client.createGoal({
      goal: "Packaged agent smoke test",
      plan: {
        tasks: [
          { key: "T-01", name: "Write", required_skills: ["writing"] },
          { key: "T-02", name: "Review", required_skills: ["writing"], depends_on: ["T-01"] },
        ],
      },
    });
    const result = await waitFor(
      async () => {
        const r = await client.result(goal.goal_id!);
        return ["complete", "partial", "failed", "cancelled"].includes(r.status) ? r : undefined;
      },
      { timeoutMs: 60_000, what: "the goal to finish" },
    ).catch((error: Error) => {
      throw new Error(`${error.message}\nagent output:\n${agent!.output()}`);
    });
    expect(result.status).toBe("complete");
    expect(result.agents_used).toEqual(["installed-agent"]);
    expect(result.result?.final_output).toBe("from the installed agent: T-02");

    // The installed `switchyard` command reads the same server.
    const cli = startProcess(path.join(app, "node_modules", ".bin", "switchyard"), ["goals", "--server", server.url], { cwd: app });
    expect(await cli.exited, cli.output()).toBe(0);
    expect(cli.output()).toMatch(new RegExp(`${goal.goal_id} +complete +2/2`));
  });
});
