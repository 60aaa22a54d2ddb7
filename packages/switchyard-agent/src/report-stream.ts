// What a running command shows while it works (issue 9): its stdout and stderr streamed as
// output, `::progress 0.4 message` and `::usage {json}` lines on stderr read as reports
// (and kept out of the output), all batched into POST /api/orchestration/progress every
// `intervalMs` (250 ms by default) so that a chatty command costs a few calls a second.
import { ApiError, type SwitchyardClient, type UsageReport as Usage } from "switchyard-client";

/** One report carries at most this much output (the server refuses more than 64 KiB). */
export const REPORT_OUTPUT_BYTES = 60 * 1024;
/** Output waiting to be sent is bounded too (the server keeps the last 256 KiB anyway). */
export const PENDING_OUTPUT_BYTES = 512 * 1024;

export type Directive = { kind: "progress"; progress?: number; message?: string } | { kind: "usage"; usage: Usage };

const PROGRESS_LINE = /^::progress(?:\s+(\S+))?(?:\s+(.*))?$/;
const USAGE_LINE = /^::usage\s+(\{.*\})\s*$/;

function parseFraction(raw: string): number | undefined {
  const percent = raw.endsWith("%");
  const n = Number(percent ? raw.slice(0, -1) : raw);
  if (!Number.isFinite(n)) return undefined;
  const value = percent ? n / 100 : n;
  return Math.min(1, Math.max(0, value));
}

/** A `::progress` or `::usage` line (without its newline), or null when the line is ordinary output. */
export function parseDirective(line: string): Directive | null {
  const text = line.replace(/\r$/, "");
  const p = PROGRESS_LINE.exec(text);
  if (p) {
    const [, first, rest] = p;
    if (first === undefined) return { kind: "progress" };
    const progress = parseFraction(first);
    const message = (progress === undefined ? [first, rest].filter(Boolean).join(" ") : rest)?.trim();
    return { kind: "progress", ...(progress !== undefined ? { progress } : {}), ...(message ? { message: message.slice(0, 2000) } : {}) };
  }
  const u = USAGE_LINE.exec(text);
  if (u) {
    let raw: unknown;
    try {
      raw = JSON.parse(u[1]!);
    } catch {
      return null;
    }
    return { kind: "usage", usage: usageFrom(raw) };
  }
  return null;
}

/** The usage fields of an object (unknown fields and bad values ignored). */
export function usageFrom(raw: unknown): Usage {
  const usage: Usage = {};
  if (!raw || typeof raw !== "object") return usage;
  const r = raw as Record<string, unknown>;
  const count = (v: unknown) => (typeof v === "number" && Number.isFinite(v) && v >= 0 ? Math.round(v) : undefined);
  const input = count(r.input_tokens);
  const output = count(r.output_tokens);
  const cost = typeof r.cost_usd === "number" && Number.isFinite(r.cost_usd) && r.cost_usd >= 0 ? r.cost_usd : undefined;
  if (input !== undefined) usage.input_tokens = input;
  if (output !== undefined) usage.output_tokens = output;
  if (cost !== undefined) usage.cost_usd = cost;
  if (typeof r.model === "string" && r.model.length > 0) usage.model = r.model.slice(0, 200);
  return usage;
}

export function addUsage(a: Usage, b: Usage): Usage {
  const sum: Usage = { ...a };
  if (b.input_tokens) sum.input_tokens = (sum.input_tokens ?? 0) + b.input_tokens;
  if (b.output_tokens) sum.output_tokens = (sum.output_tokens ?? 0) + b.output_tokens;
  if (b.cost_usd) sum.cost_usd = (sum.cost_usd ?? 0) + b.cost_usd;
  if (b.model) sum.model = b.model;
  return sum;
}

export function isEmptyUsage(u: Usage): boolean {
  return !u.input_tokens && !u.output_tokens && !u.cost_usd && !u.model;
}

/** Splits a byte stream into lines (a partial last line waits for the rest). */
export class LineSplitter {
  private partial = "";
  private readonly decoder = new TextDecoder();

  push(chunk: Uint8Array): string[] {
    const text = this.partial + this.decoder.decode(chunk, { stream: true });
    const lines = text.split("\n");
    this.partial = lines.pop() ?? "";
    // A runaway line without a newline is let through in pieces.
    if (this.partial.length > 64 * 1024) {
      lines.push(this.partial);
      this.partial = "";
    }
    return lines;
  }

  end(): string[] {
    const rest = this.partial + this.decoder.decode();
    this.partial = "";
    return rest ? [rest] : [];
  }
}

/** Cuts text to at most `maxBytes` of UTF-8 without splitting a character; returns [head, rest]. */
export function splitBytes(text: string, maxBytes: number): [string, string] {
  if (Buffer.byteLength(text, "utf8") <= maxBytes) return [text, ""];
  const bytes = Buffer.from(text, "utf8");
  let cut = maxBytes;
  while (cut > 0 && (bytes[cut]! & 0xc0) === 0x80) cut--;
  return [bytes.subarray(0, cut).toString("utf8"), bytes.subarray(cut).toString("utf8")];
}

export interface ProgressReporterOptions {
  client: Pick<SwitchyardClient, "progress">;
  subtaskId: string;
  attempt: number;
  intervalMs?: number;
  log?: (line: string) => void;
}

/**
 * Batches one attempt's output, progress and usage into progress reports. Stops for
 * good when the server says the attempt is no longer this agent's to report (409, 403,
 * 404); waits out a 429; keeps what it could not send while the server is away.
 */
export class ProgressReporter {
  private output = "";
  private outputBytes = 0;
  private droppedBytes = 0;
  private progress: number | undefined;
  private message: string | undefined;
  private usage: Usage = {};
  private dirty = false;
  private sending: Promise<void> | null = null;
  private timer: NodeJS.Timeout | undefined;
  private notBefore = 0;
  /** The server refused this attempt's reports for good (superseded, not ours). */
  stopped = false;
  reports = 0;

  constructor(private readonly options: ProgressReporterOptions) {
    const interval = options.intervalMs ?? 250;
    this.timer = setInterval(() => void this.flush(), interval);
    this.timer.unref();
  }

  addOutput(text: string): void {
    if (!text || this.stopped) return;
    this.output += text;
    this.outputBytes += Buffer.byteLength(text, "utf8");
    if (this.outputBytes > PENDING_OUTPUT_BYTES) {
      const [dropped, kept] = splitBytes(this.output, this.outputBytes - PENDING_OUTPUT_BYTES / 2);
      this.droppedBytes += Buffer.byteLength(dropped, "utf8");
      this.output = kept;
      this.outputBytes = Buffer.byteLength(kept, "utf8");
    }
    this.dirty = true;
  }

  report(update: { progress?: number; message?: string }): void {
    if (update.progress !== undefined) this.progress = update.progress;
    if (update.message !== undefined) this.message = update.message;
    this.dirty = true;
  }

  addUsage(usage: Usage): void {
    if (isEmptyUsage(usage)) return;
    this.usage = addUsage(this.usage, usage);
    this.dirty = true;
  }

  /** Usage not sent yet (for the completion to carry); it is no longer sent by progress reports. */
  takeUsage(): Usage {
    const usage = this.usage;
    this.usage = {};
    return usage;
  }

  /** Sends what is pending (one report; `all` sends every pending output chunk). */
  async flush(all = false): Promise<void> {
    if (this.sending) {
      await this.sending;
      if (!all) return;
    }
    while (!this.stopped && this.dirty && Date.now() >= this.notBefore) {
      this.sending = this.sendOne().finally(() => (this.sending = null));
      await this.sending;
      if (!all) return;
    }
  }

  private async sendOne(): Promise<void> {
    let output = this.output;
    if (this.droppedBytes > 0) output = `… ${this.droppedBytes} bytes dropped by the agent (the server was slow to take them)\n${output}`;
    const [chunk, rest] = splitBytes(output, REPORT_OUTPUT_BYTES);
    const usage = this.usage;
    const body = {
      subtask_uuid: this.options.subtaskId,
      attempt: this.options.attempt,
      ...(this.progress !== undefined ? { progress: this.progress } : {}),
      ...(this.message !== undefined ? { message: this.message } : {}),
      ...(chunk ? { output: chunk } : {}),
      ...(!isEmptyUsage(usage) ? { usage } : {}),
    };
    // Taken now; put back if the report does not arrive.
    this.output = rest;
    this.outputBytes = Buffer.byteLength(rest, "utf8");
    this.droppedBytes = 0;
    this.usage = {};
    this.dirty = rest.length > 0;
    try {
      await this.options.client.progress(body);
      this.reports++;
    } catch (error) {
      if (error instanceof ApiError && (error.code === "stale_attempt" || error.status === 403 || error.status === 404)) {
        this.stopped = true;
        this.options.log?.(`progress reports stopped: ${error.message}`);
        return;
      }
      this.output = chunk + this.output;
      this.outputBytes = Buffer.byteLength(this.output, "utf8");
      this.usage = addUsage(usage, this.usage);
      this.dirty = true;
      const wait = error instanceof ApiError ? (error.retryAfterMs ?? (error.isTransient ? 1000 : 5000)) : 1000;
      this.notBefore = Date.now() + wait;
    }
  }

  /** Sends everything pending and stops the timer. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.notBefore = 0;
    await this.flush(true);
  }
}
