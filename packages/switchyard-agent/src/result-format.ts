// `--result-format`: how the worker reads the command's stdout (issue 9).
//   text                the stdout is the result (default)
//   claude-json         the JSON of `claude -p --output-format json`: `result` is the result,
//                       `total_cost_usd` (or `cost_usd`) and `usage` the usage, `is_error` a failure
//   claude-stream-json  the NDJSON of `claude -p --output-format stream-json --verbose`, read as
//                       it comes: assistant text and tool uses become progress messages and
//                       output lines; the last line (the same result object) ends it
import { usageFrom, type Directive } from "./report-stream.js";
import type { UsageReport as Usage } from "switchyard-client";

export const RESULT_FORMATS = ["text", "claude-json", "claude-stream-json"] as const;
export type ResultFormat = (typeof RESULT_FORMATS)[number];

export interface ClaudeOutcome {
  ok: boolean;
  /** The answer text (success), or why it failed. */
  result: string;
  usage: Usage;
}

/** Reads a CLI result object: `{type: "result", subtype, is_error, result, total_cost_usd, usage}`. */
export function claudeOutcome(raw: unknown, model?: string): ClaudeOutcome | null {
  if (!raw || typeof raw !== "object") return null;
  const r = raw as Record<string, unknown>;
  if (r.type !== undefined && r.type !== "result") return null;
  if (!("result" in r) && !("is_error" in r) && !("subtype" in r)) return null;
  const tokens = usageFrom(r.usage);
  const cost = typeof r.total_cost_usd === "number" ? r.total_cost_usd : typeof r.cost_usd === "number" ? r.cost_usd : undefined;
  const usage: Usage = { ...tokens, ...(cost !== undefined && cost >= 0 ? { cost_usd: cost } : {}), ...(model ? { model } : {}) };
  const isError = r.is_error === true || (typeof r.subtype === "string" && r.subtype.startsWith("error"));
  const text = typeof r.result === "string" ? r.result : r.result === undefined ? "" : JSON.stringify(r.result);
  if (!isError) return { ok: true, result: text, usage };
  const subtype = typeof r.subtype === "string" ? r.subtype : "error";
  const turns = typeof r.num_turns === "number" ? `, ${r.num_turns} turns` : "";
  return { ok: false, result: `claude reported an error (${subtype}${turns})${text ? `: ${text}` : ""}`, usage };
}

/** The whole stdout of `--output-format json`. */
export function parseClaudeJson(stdout: string): ClaudeOutcome {
  let raw: unknown;
  try {
    raw = JSON.parse(stdout.trim());
  } catch {
    return { ok: false, result: `--result-format claude-json: stdout is not JSON (${stdout.trim().slice(0, 200) || "empty"})`, usage: {} };
  }
  return (
    claudeOutcome(raw) ?? { ok: false, result: "--result-format claude-json: stdout is JSON but not a claude result object", usage: {} }
  );
}

/** What one stream line means while the command runs. */
export interface StreamStep {
  output?: string;
  directive?: Directive;
  outcome?: ClaudeOutcome;
}

const oneLine = (s: string, max = 160) => {
  const flat = s.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/** A tool use in a few words: its name and the input that says the most. */
function describeToolUse(name: string, input: unknown): string {
  const i = (input && typeof input === "object" ? input : {}) as Record<string, unknown>;
  const key = ["file_path", "path", "command", "pattern", "url", "query", "description"].find((k) => typeof i[k] === "string");
  return key ? `${name} ${oneLine(String(i[key]), 120)}` : name;
}

/** Reads `--output-format stream-json --verbose` line by line. */
export class ClaudeStreamParser {
  model: string | undefined;
  outcome: ClaudeOutcome | undefined;

  push(line: string): StreamStep {
    const text = line.trim();
    if (!text) return {};
    let raw: Record<string, unknown>;
    try {
      raw = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return { output: `${line}\n` };
    }
    if (!raw || typeof raw !== "object") return { output: `${line}\n` };
    if (raw.type === "system") {
      if (typeof raw.model === "string") this.model = raw.model;
      return {
        directive: { kind: "progress", message: `session started${this.model ? ` (${this.model})` : ""}` },
        output: `· session started${this.model ? ` with ${this.model}` : ""}\n`,
      };
    }
    if (raw.type === "result") {
      this.outcome = claudeOutcome(raw, this.model) ?? undefined;
      return this.outcome ? { outcome: this.outcome } : {};
    }
    const message = raw.message as { content?: unknown } | undefined;
    const content = Array.isArray(message?.content) ? (message!.content as Array<Record<string, unknown>>) : [];
    if (raw.type === "assistant") {
      const lines: string[] = [];
      let latest: string | undefined;
      for (const block of content) {
        if (block.type === "text" && typeof block.text === "string" && block.text.trim()) {
          lines.push(block.text.trimEnd());
          latest = oneLine(block.text);
        } else if (block.type === "tool_use" && typeof block.name === "string") {
          const d = describeToolUse(block.name, block.input);
          lines.push(`▸ ${d}`);
          latest = d;
        }
      }
      return {
        ...(lines.length ? { output: `${lines.join("\n")}\n` } : {}),
        ...(latest ? { directive: { kind: "progress", message: latest } } : {}),
      };
    }
    if (raw.type === "user") {
      const results = content.filter((b) => b.type === "tool_result");
      if (results.length === 0) return {};
      const out = results.map((b) => {
        const c = b.content;
        const size = typeof c === "string" ? c.length : JSON.stringify(c ?? "").length;
        return `  ↳ ${b.is_error ? "tool error" : "tool result"} (${size} chars)`;
      });
      return { output: `${out.join("\n")}\n` };
    }
    return {};
  }
}
