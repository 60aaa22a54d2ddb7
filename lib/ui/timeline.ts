// The timeline's layout (pure, issue 9): rows (one per task, or per agent) and bars (one
// per attempt: the queue wait before it, then its run, coloured by outcome) on a time axis.
import type { Timeline } from "@/lib/presenters/timeline";

export type TimelineMode = "task" | "agent";

export interface TimelineBar {
  row: number;
  task: number;
  number: number;
  outcome: string;
  agent: number;
  queued: number;
  started: number;
  /** The end, or `now` while it runs. */
  ended: number;
  running: boolean;
}

export interface TimelineLayout {
  rows: Array<{ id: string; label: string; sub: string }>;
  bars: TimelineBar[];
  /** Per row, its bars' indexes (hit tests and drawing only what is visible). */
  barsByRow: number[][];
  start: number;
  end: number;
}

export const OUTCOME_COLOURS: Record<string, string> = {
  running: "#0ea5e9",
  completed: "#10b981",
  failed: "#ef4444",
  timed_out: "#f97316",
  lost: "#a8a29e",
  superseded: "#a8a29e",
  cancelled: "#78716c",
  rejected: "#e11d48",
};

export function layoutTimeline(timeline: Timeline, mode: TimelineMode, now = timeline.now): TimelineLayout {
  const rows =
    mode === "task"
      ? timeline.tasks.map((t) => ({ id: t.id, label: t.key, sub: t.name }))
      : timeline.agents.map((a) => ({ id: a.id, label: a.name, sub: "" }));
  const bars: TimelineBar[] = timeline.attempts.map((a) => ({
    row: mode === "task" ? a.task : a.agent,
    task: a.task,
    number: a.number,
    outcome: a.outcome,
    agent: a.agent,
    queued: a.queued,
    started: a.started,
    ended: a.ended ?? Math.max(now, a.started),
    running: a.ended === null,
  }));
  // Tasks still in the queue (never started, or waiting for a retry): their wait so far.
  if (mode === "task") {
    const startedTasks = new Set(timeline.attempts.filter((a) => a.ended === null).map((a) => a.task));
    timeline.tasks.forEach((t, i) => {
      if ((t.status === "pending" || t.status === "retrying") && t.ready !== null && !startedTasks.has(i)) {
        bars.push({
          row: i,
          task: i,
          number: 0,
          outcome: "queued",
          agent: -1,
          queued: t.ready,
          started: Math.max(now, t.ready),
          ended: Math.max(now, t.ready),
          running: false,
        });
      }
    });
  }
  const barsByRow: number[][] = rows.map(() => []);
  bars.forEach((b, i) => barsByRow[b.row]?.push(i));
  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  for (const b of bars) {
    start = Math.min(start, b.queued);
    end = Math.max(end, b.ended);
  }
  if (!Number.isFinite(start)) {
    start = now - 60_000;
    end = now;
  }
  if (end - start < 1000) end = start + 1000;
  return { rows, bars, barsByRow, start, end };
}

/** A readable tick step for a span: 1 s … 1 h. */
export function tickStep(spanMs: number, widthPx: number): number {
  const steps = [100, 250, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000];
  const target = (spanMs / Math.max(1, widthPx)) * 90; // about one tick per 90 px
  return steps.find((s) => s >= target) ?? steps[steps.length - 1]!;
}

/** The bar under a point (x in time, row index), or undefined. */
export function barAt(layout: TimelineLayout, row: number, time: number, slackMs: number): TimelineBar | undefined {
  const ids = layout.barsByRow[row] ?? [];
  let best: TimelineBar | undefined;
  for (const i of ids) {
    const b = layout.bars[i]!;
    if (time >= b.queued - slackMs && time <= b.ended + slackMs) best = b;
  }
  return best;
}
