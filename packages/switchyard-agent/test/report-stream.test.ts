// Issue 9: the worker's pure readers: `::progress` / `::usage` lines, the Claude CLI's
// JSON and stream-json (the samples in /work/shared/examples/claude-cli, copied beside
// this test), and the line splitter.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LineSplitter, parseDirective, splitBytes } from "../src/report-stream";
import { ClaudeStreamParser, parseClaudeJson } from "../src/result-format";
import { withoutDirectives } from "../src/worker";

const samples = path.join(import.meta.dirname, "fixtures", "claude-cli");
const sample = (name: string) => readFileSync(path.join(samples, name), "utf8");

describe("::progress and ::usage lines", () => {
  it("reads progress with a message, percentages, a message alone, and usage JSON", () => {
    expect(parseDirective("::progress 0.4 reading files")).toEqual({ kind: "progress", progress: 0.4, message: "reading files" });
    expect(parseDirective("::progress 75% almost")).toEqual({ kind: "progress", progress: 0.75, message: "almost" });
    expect(parseDirective("::progress 1.7")).toEqual({ kind: "progress", progress: 1 });
    expect(parseDirective("::progress compiling the docs")).toEqual({ kind: "progress", message: "compiling the docs" });
    expect(parseDirective('::usage {"input_tokens":1200,"output_tokens":300,"cost_usd":0.004}')).toEqual({
      kind: "usage",
      usage: { input_tokens: 1200, output_tokens: 300, cost_usd: 0.004 },
    });
    expect(parseDirective('::usage {"input_tokens":-3,"cost_usd":"x","model":"m"}')).toEqual({ kind: "usage", usage: { model: "m" } });
  });
  it("leaves ordinary lines (and broken usage JSON) as output", () => {
    for (const line of ["progress 0.4", " ::progress 0.4", "::progressive", "::usage {broken", "::usage", "hello"])
      expect(parseDirective(line)).toBeNull();
    expect(withoutDirectives('a\n::progress 0.5 half\nb\n::usage {"cost_usd":1}\n')).toBe("a\nb\n");
  });
  it("splits a byte stream into lines across chunk boundaries and UTF-8 sequences", () => {
    const s = new LineSplitter();
    const bytes = Buffer.from("one\ntw€o\nthr", "utf8");
    const cut = bytes.indexOf(0xe2) + 1; // inside the euro sign
    expect([...s.push(bytes.subarray(0, cut)), ...s.push(bytes.subarray(cut))]).toEqual(["one", "tw€o"]);
    expect(s.end()).toEqual(["thr"]);
    expect(splitBytes("aé", 2)).toEqual(["a", "é"]);
  });
});

describe("--result-format claude-json", () => {
  it("takes result, cost and tokens from the sample", () => {
    const o = parseClaudeJson(sample("result.json"));
    expect(o).toEqual({
      ok: true,
      result: "Translated intro.md to Chinese and wrote docs/zh/intro.md (212 lines).",
      usage: { input_tokens: 1834, output_tokens: 2411, cost_usd: 0.04213 },
    });
  });
  it("turns is_error into a failure that still carries the usage", () => {
    const o = parseClaudeJson(sample("result-error.json"));
    expect(o.ok).toBe(false);
    expect(o.result).toContain("error_max_turns");
    expect(o.usage).toEqual({ input_tokens: 9210, output_tokens: 6033, cost_usd: 0.1172 });
    expect(parseClaudeJson("not json").ok).toBe(false);
    expect(parseClaudeJson('{"cost_usd": 0.5, "result": "old field", "is_error": false}').usage).toEqual({ cost_usd: 0.5 });
  });
});

describe("--result-format claude-stream-json", () => {
  it("turns each assistant text and tool use into a progress message and an output line, and the last line into the outcome", () => {
    const parser = new ClaudeStreamParser();
    const steps = sample("stream.ndjson")
      .split("\n")
      .filter(Boolean)
      .map((l) => parser.push(l));
    const messages = steps.flatMap((s) => (s.directive?.kind === "progress" && s.directive.message ? [s.directive.message] : []));
    expect(messages).toEqual([
      "session started (claude-sonnet-4-5)",
      "Read docs/intro.md",
      "Write docs/zh/intro.md",
      "Translated intro.md to Chinese and wrote docs/zh/intro.md (212 lines).",
    ]);
    const output = steps.map((s) => s.output ?? "").join("");
    expect(output).toContain("I'll read docs/intro.md first.\n▸ Read docs/intro.md\n");
    expect(output).toContain("↳ tool result");
    expect(parser.outcome).toEqual({
      ok: true,
      result: "Translated intro.md to Chinese and wrote docs/zh/intro.md (212 lines).",
      usage: { input_tokens: 1834, output_tokens: 2411, cost_usd: 0.04213, model: "claude-sonnet-4-5" },
    });
  });
});
