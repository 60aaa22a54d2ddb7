/** Finished share of a goal's tasks; with counts, completed (green), failed (red) and cancelled or skipped (grey) are shown apart. */
export function ProgressBar({
  value,
  label,
  counts,
}: {
  value: number;
  label: string;
  counts?: { completed: number; failed: number; cancelled: number; skipped: number; total: number };
}) {
  const percent = Math.round(Math.max(0, Math.min(1, value)) * 100);
  const share = (n: number) => (counts && counts.total > 0 ? (n / counts.total) * 100 : 0);
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
      className="flex h-2 w-full overflow-hidden rounded-full bg-slate-200"
    >
      {counts ? (
        <>
          <div className="h-full bg-emerald-500 transition-[width] duration-500" style={{ width: `${share(counts.completed)}%` }} />
          <div className="h-full bg-red-500 transition-[width] duration-500" style={{ width: `${share(counts.failed)}%` }} />
          <div
            className="h-full bg-stone-400 transition-[width] duration-500"
            style={{ width: `${share(counts.cancelled + counts.skipped)}%` }}
          />
        </>
      ) : (
        <div className="h-full rounded-full bg-emerald-500 transition-[width] duration-500" style={{ width: `${percent}%` }} />
      )}
    </div>
  );
}
