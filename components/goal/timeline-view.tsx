"use client";
// The goal's timeline (Gantt, issue 9) on a canvas: a row per task (or per agent), a bar
// per attempt coloured by outcome, its queue wait (ready → started) drawn apart as a thin
// line. Only the rows in view are drawn, so 1,000 tasks scroll smoothly; running bars
// grow every second. Hidden from sight but not from assistive tech: a list of the bars.
import { useEffect, useMemo, useRef, useState } from "react";
import { ErrorState, Loading } from "@/components/ui/states";
import { formatDuration } from "@/components/ui/format";
import { useGoalTimeline } from "@/lib/ui/progress-hooks";
import { barAt, layoutTimeline, OUTCOME_COLOURS, tickStep, type TimelineMode } from "@/lib/ui/timeline";

const ROW_H = 18;
const AXIS_H = 22;
const LABEL_W = 150;
const LIST_LIMIT = 300;

export function TimelineView({ goalId, running, onSelect }: { goalId: string; running: boolean; onSelect: (taskId: string) => void }) {
  const { timeline, fetchedAt, isLoading, error } = useGoalTimeline(goalId);
  const [mode, setMode] = useState<TimelineMode>("task");
  const [now, setNow] = useState(() => Date.now());
  const [scrollTop, setScrollTop] = useState(0);
  const [size, setSize] = useState({ width: 600, height: 300 });
  const scroller = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);

  // Server time and ours may differ: shift `now` by the offset seen at fetch.
  const offset = timeline ? timeline.now - fetchedAt : 0;
  useEffect(() => {
    if (!running) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [running]);

  const layout = useMemo(
    () => (timeline ? layoutTimeline(timeline, mode, Math.max(timeline.now, now + offset)) : null),
    [timeline, mode, now, offset],
  );

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setSize({ width: el.clientWidth, height: el.clientHeight }));
    observer.observe(el);
    return () => observer.disconnect();
  }, [layout !== null]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    const c = canvas.current;
    if (!c || !layout) return;
    const dpr = window.devicePixelRatio || 1;
    c.width = Math.floor(size.width * dpr);
    c.height = Math.floor(size.height * dpr);
    const ctx = c.getContext("2d");
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, size.width, size.height);
    const plotW = Math.max(50, size.width - LABEL_W - 8);
    const span = layout.end - layout.start;
    const x = (t: number) => LABEL_W + ((t - layout.start) / span) * plotW;
    const first = Math.max(0, Math.floor(scrollTop / ROW_H));
    const last = Math.min(layout.rows.length - 1, Math.ceil((scrollTop + size.height - AXIS_H) / ROW_H));
    ctx.font = "11px ui-monospace, SFMono-Regular, Menlo, monospace";
    ctx.textBaseline = "middle";
    for (let r = first; r <= last; r++) {
      const y = AXIS_H + r * ROW_H - scrollTop;
      if (r % 2 === 1) {
        ctx.fillStyle = "#f8fafc";
        ctx.fillRect(0, y, size.width, ROW_H);
      }
      const row = layout.rows[r]!;
      ctx.fillStyle = "#334155";
      ctx.fillText(row.label.length > 20 ? `${row.label.slice(0, 19)}…` : row.label, 6, y + ROW_H / 2, LABEL_W - 10);
      for (const i of layout.barsByRow[r] ?? []) {
        const b = layout.bars[i]!;
        // Queue wait: a thin grey line from ready to start.
        if (b.started > b.queued) {
          ctx.fillStyle = "#cbd5e1";
          ctx.fillRect(x(b.queued), y + ROW_H / 2 - 1, Math.max(1, x(b.started) - x(b.queued)), 2);
        }
        if (b.outcome === "queued") continue;
        ctx.fillStyle = OUTCOME_COLOURS[b.outcome] ?? "#94a3b8";
        ctx.fillRect(x(b.started), y + 3, Math.max(2, x(b.ended) - x(b.started)), ROW_H - 6);
      }
    }
    // The time axis, on top.
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, size.width, AXIS_H);
    ctx.strokeStyle = "#e2e8f0";
    ctx.beginPath();
    ctx.moveTo(0, AXIS_H - 0.5);
    ctx.lineTo(size.width, AXIS_H - 0.5);
    ctx.stroke();
    const step = tickStep(span, plotW);
    ctx.fillStyle = "#64748b";
    ctx.font = "10px ui-sans-serif, system-ui, sans-serif";
    for (let t = 0; t <= span; t += step) {
      const px = x(layout.start + t);
      ctx.fillRect(px, AXIS_H - 5, 1, 5);
      ctx.fillText(`+${formatDuration(t)}`, px + 2, 9);
    }
  }, [layout, size, scrollTop]);

  if (isLoading) return <Loading label="Loading the timeline…" />;
  if (error || !timeline || !layout) return <ErrorState error={error} title="Could not load the timeline" />;
  const real = layout.bars.filter((b) => b.outcome !== "queued");

  return (
    <div
      className="flex h-full min-h-0 flex-col"
      data-testid="timeline"
      data-mode={mode}
      data-bars={real.length}
      data-rows={layout.rows.length}
    >
      <div className="flex items-center gap-2 border-b border-slate-200 px-3 py-1.5 text-xs">
        <span className="font-medium text-slate-600">Rows</span>
        {(["task", "agent"] as const).map((m) => (
          <button
            key={m}
            type="button"
            aria-pressed={mode === m}
            onClick={() => setMode(m)}
            className={`rounded px-2 py-0.5 ${mode === m ? "bg-slate-900 text-white" : "border border-slate-300 hover:bg-slate-50"}`}
          >
            {m === "task" ? "per task" : "per agent"}
          </button>
        ))}
        <span className="ml-auto flex flex-wrap items-center gap-3 text-slate-500" aria-label="Legend">
          <span className="flex items-center gap-1">
            <span className="inline-block h-0.5 w-4 bg-slate-300" /> queue wait
          </span>
          {["running", "completed", "failed", "timed_out", "lost"].map((o) => (
            <span key={o} className="flex items-center gap-1">
              <span className="inline-block h-2 w-3 rounded-sm" style={{ background: OUTCOME_COLOURS[o] }} /> {o.replace("_", " ")}
            </span>
          ))}
        </span>
      </div>
      <div
        ref={scroller}
        className="relative min-h-0 flex-1 overflow-y-auto"
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
        onClick={(e) => {
          const rect = e.currentTarget.getBoundingClientRect();
          const y = e.clientY - rect.top + e.currentTarget.scrollTop - AXIS_H;
          const row = Math.floor(y / ROW_H);
          if (row < 0 || row >= layout.rows.length) return;
          if (mode === "task") return onSelect(layout.rows[row]!.id);
          const plotW = Math.max(50, size.width - LABEL_W - 8);
          const time = layout.start + ((e.clientX - rect.left - LABEL_W) / plotW) * (layout.end - layout.start);
          const bar = barAt(layout, row, time, ((layout.end - layout.start) / plotW) * 3);
          if (bar) onSelect(timeline.tasks[bar.task]!.id);
        }}
      >
        <canvas
          ref={canvas}
          className="pointer-events-none sticky top-0 block"
          style={{ width: size.width, height: size.height, marginBottom: -size.height }}
          aria-hidden
        />
        <div style={{ height: AXIS_H + layout.rows.length * ROW_H }} />
      </div>
      <ul className="sr-only" aria-label="Attempts on the timeline">
        {real.slice(0, LIST_LIMIT).map((b) => (
          <li
            key={`${b.task}:${b.number}`}
            data-testid="timeline-bar"
            data-task={timeline.tasks[b.task]!.key}
            data-attempt={b.number}
            data-outcome={b.outcome}
          >
            {timeline.tasks[b.task]!.key} attempt {b.number} on {timeline.agents[b.agent]?.name ?? "?"}: {b.outcome}, waited{" "}
            {formatDuration(b.started - b.queued)}, ran {formatDuration(b.ended - b.started)}
          </li>
        ))}
        {real.length > LIST_LIMIT && <li>and {real.length - LIST_LIMIT} more attempts</li>}
      </ul>
    </div>
  );
}
