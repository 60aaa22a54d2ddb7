// `npm run demo` end to end: the embedded database, four worker processes and the seeds'
// four goals, all finished (some after a simulated transient failure and a retry).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "@/lib/testing/server";

const dataDir = mkdtempSync(path.join(tmpdir(), "sy-demo-test-"));

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("npm run demo", () => {
  it("runs the seeds' example goals to completion on the embedded database and says where to look", async () => {
    const root = path.resolve(import.meta.dirname, "..");
    const env: NodeJS.ProcessEnv = { ...process.env, NEXT_DIST_DIR: process.env.NEXT_DIST_DIR ?? ".next" };
    delete env.DATABASE_URL;
    const port = await freePort();
    const child = spawn(
      process.execPath,
      ["--import", "tsx", path.join(root, "bin/demo.ts"), "--port", String(port), "--data-dir", dataDir, "--exit-when-done"],
      { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code, output.slice(-3000)).toBe(0);
    expect(output).toContain(`open http://127.0.0.1:${port}/ in your browser`);
    for (const goal of [
      "Analyze customer satisfaction trends",
      "Develop a user authentication system",
      "Translate these 5 documents to Chinese",
      "Analyze all cameras (camera_1, camera_2, camera_3) and summarize",
    ]) {
      expect(output).toMatch(new RegExp(`goal finished: "${goal.replace(/[()]/g, "\\$&")}[^"]*" → complete`));
    }
    for (const name of ["collector", "analyst", "builder", "translator"]) expect(output).toContain(`[${name}] registered as agent`);
    expect(output).toContain("all 4 goals finished");
  }, 180_000);
});
