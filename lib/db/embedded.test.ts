// `npm start` with no DATABASE_URL runs on the embedded database under the data dir, and
// what was stored survives a restart. Needs a production build (npm test builds first).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startServer } from "@/lib/testing/server";

const dataDir = await mkdtemp(path.join(tmpdir(), "switchyard-embedded-"));
afterAll(() => rm(dataDir, { recursive: true, force: true }));

describe("embedded database", () => {
  it("serves the API with no DATABASE_URL and keeps the data across a restart", { timeout: 180_000 }, async () => {
    const env = { SWITCHYARD_DATA_DIR: dataDir, SWITCHYARD_DISABLE_SWEEP: "1" };
    const first = await startServer({ databaseUrl: "", env });
    let goalId: string;
    try {
      expect(first.output()).toContain("using the embedded database");
      const created = await fetch(`${first.url}/api/orchestration/decompose`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ goal: "analyze the embedded database" }),
      });
      expect(created.status).toBe(201);
      goalId = (await created.json()).goal_id;
      const agent = await fetch(`${first.url}/api/orchestration/register`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ skills: ["data_collection"] }),
      });
      const { agent_id, token } = await agent.json();
      const assigned = await fetch(`${first.url}/api/orchestration/assign`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ agent_id }),
      });
      const [assignment] = (await assigned.json()).assignments;
      expect(assignment).toBeDefined();
      // A completion too: its writes, the release and the events go with COMMIT in one message.
      const completed = await fetch(`${first.url}/api/orchestration/complete`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ subtask_uuid: assignment.subtask_uuid, attempt: assignment.attempt, result: "collected" }),
      });
      expect(completed.status).toBe(200);
      const next = await fetch(`${first.url}/api/orchestration/assign`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ agent_id }),
      });
      expect(next.status).toBe(200);
    } finally {
      await first.stop();
    }

    const second = await startServer({ databaseUrl: "", env, port: first.port });
    try {
      const goal = await (await fetch(`${second.url}/api/goals/${goalId}`)).json();
      expect(goal.template).toBe("analysis");
      expect(goal.subtasks.map((s: { status: string }) => s.status)).toEqual(["completed", "pending", "waiting"]);
      const agents = await (await fetch(`${second.url}/api/agents`)).json();
      expect(agents.agents).toHaveLength(1);
    } finally {
      await second.stop();
    }
  });
});
