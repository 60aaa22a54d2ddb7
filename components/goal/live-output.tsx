"use client";
// A task's output (issue 9): the attempt's stored tail from the API, then the chunks the
// socket pushes as they arrive. Plain text (React escapes it), ANSI codes stripped. Follows
// new lines unless the operator scrolled up; a button jumps back to the latest.
import { useEffect, useLayoutEffect, useRef, useState } from "react";
import { terminalText } from "@/lib/ui/ansi";
import { useLiveProgress, useStoredOutput } from "@/lib/ui/progress-hooks";
import { chunksAfter } from "@/lib/ui/progress-store";
import { ErrorState } from "@/components/ui/states";

const NEAR_BOTTOM_PX = 24;

export function LiveOutput({ taskId, attempt, running }: { taskId: string; attempt: number; running: boolean }) {
  const live = useLiveProgress(taskId);
  const { output, error, refetch } = useStoredOutput(taskId, attempt);
  const liveGap = live?.attempt === attempt && live.gap;
  // A push carried only the tail of its chunk: the stored copy has what it skipped.
  useEffect(() => {
    if (liveGap) void refetch();
  }, [liveGap, refetch]);
  const stored = output?.text ?? "";
  const tail = chunksAfter(live, attempt, output?.totalBytes ?? 0);
  const text = terminalText(stored + tail);

  const box = useRef<HTMLPreElement>(null);
  const [following, setFollowing] = useState(true);
  useLayoutEffect(() => {
    const el = box.current;
    if (el && following) el.scrollTop = el.scrollHeight;
  }, [text, following]);

  if (error) return <ErrorState error={error} title="Could not load the output" />;
  return (
    <div className="relative">
      <pre
        ref={box}
        data-testid="live-output"
        data-following={following}
        aria-label={`Output of attempt ${attempt}`}
        aria-live={running ? "polite" : undefined}
        onScroll={(e) => {
          const el = e.currentTarget;
          setFollowing(el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM_PX);
        }}
        className="max-h-72 min-h-10 overflow-auto whitespace-pre-wrap break-words rounded bg-slate-950 p-2 font-mono text-[11px] leading-4 text-slate-100"
      >
        {text || (running ? "Waiting for output…" : "No output.")}
      </pre>
      {!following && (
        <button
          type="button"
          onClick={() => setFollowing(true)}
          className="absolute bottom-2 right-3 rounded bg-white/90 px-2 py-0.5 text-[11px] font-medium text-slate-800 shadow hover:bg-white"
        >
          ↓ Latest
        </button>
      )}
    </div>
  );
}

/** An earlier attempt's stored output, loaded when opened. */
export function AttemptOutput({ taskId, attempt, bytes }: { taskId: string; attempt: number; bytes: number }) {
  const [open, setOpen] = useState(false);
  const { output, isLoading, error } = useStoredOutput(taskId, attempt, open);
  if (bytes === 0) return <span className="text-slate-400">no output</span>;
  return (
    <details onToggle={(e) => setOpen(e.currentTarget.open)} data-testid="attempt-output">
      <summary className="cursor-pointer text-slate-600 hover:text-slate-900">
        output ({bytes < 1024 ? `${bytes} B` : `${Math.round(bytes / 1024)} KiB`})
      </summary>
      {error ? (
        <ErrorState error={error} title="Could not load the output" />
      ) : (
        <pre className="mt-1 max-h-48 overflow-auto whitespace-pre-wrap break-words rounded bg-slate-950 p-2 font-mono text-[11px] leading-4 text-slate-100">
          {isLoading ? "Loading…" : terminalText(output?.text ?? "")}
        </pre>
      )}
    </details>
  );
}
