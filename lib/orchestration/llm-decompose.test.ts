// The LLM decomposer against a tiny OpenAI-compatible server this test starts (never the
// internet), through the real decompose route and database.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as decompose from "@/app/api/orchestration/decompose/route";
import { resetEnv } from "@/lib/env";
import { call } from "@/lib/testing/http";

let llm: Server;
let nextAnswer: { status: number; content: string } = { status: 200, content: "{}" };
const requests: Array<{ authorization?: string; body: { model: string; messages: Array<{ role: string; content: string }> } }> = [];

beforeAll(async () => {
  llm = createServer((req, res) => {
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", () => {
      requests.push({ authorization: req.headers.authorization, body: JSON.parse(raw) });
      if (req.url !== "/v1/chat/completions") {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(nextAnswer.status, { "content-type": "application/json" });
      res.end(JSON.stringify({ choices: [{ message: { role: "assistant", content: nextAnswer.content } }] }));
    });
  });
  await new Promise<void>((resolve) => llm.listen(0, "127.0.0.1", resolve));
  process.env.LLM_BASE_URL = `http://127.0.0.1:${(llm.address() as AddressInfo).port}/v1`;
  process.env.LLM_API_KEY = "test-key";
  process.env.LLM_MODEL = "tiny-model";
  resetEnv();
});

afterAll(async () => {
  delete process.env.LLM_BASE_URL;
  resetEnv();
  await new Promise((r) => llm.close(r));
});

const submit = (goal: string) => call(decompose.POST, "POST", "/api/orchestration/decompose", { body: { goal, context: "Q4 data" } });

describe("LLM decomposition (LLM_BASE_URL set)", () => {
  it("stores the model's plan, sending the goal, the context, the model and the key", async () => {
    nextAnswer = {
      status: 200,
      content:
        "Here is the plan:\n```json\n" +
        JSON.stringify({
          tasks: [
            { key: "T-01", name: "Fetch survey", description: "download", required_skills: ["data_collection"], priority: "HIGH" },
            { key: "T-02", name: "Score", description: "score answers", required_skills: ["data_analysis"], depends_on: ["T-01"] },
            { key: "T-03", name: "Cluster", description: "cluster themes", required_skills: ["data_analysis"], depends_on: ["T-01"] },
            {
              key: "T-04",
              name: "Write up",
              description: "report",
              required_skills: ["reporting"],
              depends_on: ["T-02", "T-03"],
              priority: "LOW",
            },
          ],
        }) +
        "\n```",
    };
    const res = await submit("understand churn");
    expect(res.status).toBe(201);
    expect(res.body.template).toBe("llm");
    expect(res.body.subtasks.map((s: { key: string; depends_on: string[] }) => [s.key, s.depends_on])).toEqual([
      ["T-01", []],
      ["T-02", ["T-01"]],
      ["T-03", ["T-01"]],
      ["T-04", ["T-02", "T-03"]],
    ]);
    const last = requests.at(-1)!;
    expect(last.authorization).toBe("Bearer test-key");
    expect(last.body.model).toBe("tiny-model");
    expect(last.body.messages.at(-1)!.content).toBe("Goal: understand churn\n\nContext: Q4 data");
  });

  it.each([
    ["a server error", { status: 500, content: "" }],
    ["prose instead of JSON", { status: 200, content: "I cannot help with that." }],
    [
      "a plan with a cycle",
      {
        status: 200,
        content: JSON.stringify({
          tasks: [
            { key: "A", name: "a", depends_on: ["B"] },
            { key: "B", name: "b", depends_on: ["A"] },
          ],
        }),
      },
    ],
    ["a task without a name", { status: 200, content: JSON.stringify({ tasks: [{ key: "A" }] }) }],
  ])("falls back to the templates on %s", async (_what, answer) => {
    nextAnswer = answer;
    const res = await submit("analyze customer satisfaction trends");
    expect(res.status).toBe(201);
    expect(res.body.template).toBe("analysis");
    expect(res.body.subtasks.map((s: { name: string }) => s.name)).toEqual(["Data Collection", "Data Analysis", "Report Generation"]);
  });

  it("leaves explicit plans alone", async () => {
    const before = requests.length;
    const res = await call(decompose.POST, "POST", "/api/orchestration/decompose", {
      body: { goal: "x", plan: { tasks: [{ key: "A", name: "a" }] } },
    });
    expect(res.body.template).toBe("explicit");
    expect(requests.length).toBe(before);
  });
});
