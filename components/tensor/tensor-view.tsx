"use client";
// The task tensor as a heatmap: tasks (rows) × agents (columns) drawn into one <canvas>
// from the binary Float32 tensor, one priority level or all four summed.
import { useEffect, useMemo, useRef, useState } from "react";
import { Card, EmptyState, ErrorState, Loading } from "@/components/ui/states";
import { cellAt, cellSize, colourOf, paintCells, sliceLevel, valueAt, type LevelChoice } from "@/lib/ui/heatmap";
import { useGoals, useTensor, useTensorLabels } from "@/lib/ui/hooks";

const LEVELS: Array<{ value: LevelChoice; label: string }> = [
  { value: "all", label: "All levels (sum)" },
  { value: 0, label: "0 · CRITICAL" },
  { value: 1, label: "1 · HIGH" },
  { value: 2, label: "2 · MEDIUM" },
  { value: 3, label: "3 · LOW" },
];
const PRIORITY = ["CRITICAL", "HIGH", "MEDIUM", "LOW"];

function useWidth<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(800);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const observer = new ResizeObserver(([entry]) => setWidth(Math.floor(entry!.contentRect.width)));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return { ref, width };
}

export function TensorView() {
  const [goalId, setGoalId] = useState<string | null>(null);
  const [level, setLevel] = useState<LevelChoice>("all");
  const { goals } = useGoals();
  const { tensor, isLoading, isFetching, error } = useTensor(goalId);
  const { labels } = useTensorLabels(goalId);
  const { ref: boxRef, width } = useWidth<HTMLDivElement>();
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [hover, setHover] = useState<{ row: number; col: number; x: number; y: number } | null>(null);

  const slice = useMemo(() => (tensor ? sliceLevel(tensor, level) : null), [tensor, level]);
  // The card's width less its padding and the hover panel beside the canvas.
  const size = useMemo(() => cellSize(tensor?.rows ?? 0, tensor?.cols ?? 0, Math.max(200, width - 32 - 256 - 12 - 2)), [tensor, width]);
  const [drawMs, setDrawMs] = useState<number | null>(null);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || !tensor || !slice || tensor.rows === 0 || tensor.cols === 0) return;
    const started = performance.now();
    const image = new ImageData(tensor.cols, tensor.rows);
    paintCells(slice.cells, slice.max, image.data);
    const offscreen = document.createElement("canvas");
    offscreen.width = tensor.cols;
    offscreen.height = tensor.rows;
    offscreen.getContext("2d")!.putImageData(image, 0, 0);
    canvas.width = tensor.cols * size.width;
    canvas.height = tensor.rows * size.height;
    const ctx = canvas.getContext("2d")!;
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(offscreen, 0, 0, canvas.width, canvas.height);
    if (size.width >= 8 && size.height >= 8) {
      ctx.strokeStyle = "rgba(148, 163, 184, 0.35)";
      ctx.lineWidth = 1;
      ctx.beginPath();
      for (let j = 1; j < tensor.cols; j++) {
        ctx.moveTo(j * size.width + 0.5, 0);
        ctx.lineTo(j * size.width + 0.5, canvas.height);
      }
      for (let i = 1; i < tensor.rows; i++) {
        ctx.moveTo(0, i * size.height + 0.5);
        ctx.lineTo(canvas.width, i * size.height + 0.5);
      }
      ctx.stroke();
    }
    setDrawMs(performance.now() - started);
  }, [tensor, slice, size]);

  const hovered = hover && tensor ? { ...hover, values: valueAt(tensor, hover.row, hover.col) } : null;
  const labelsMatch = labels && tensor && labels.shape[0] === tensor.rows && labels.shape[1] === tensor.cols;
  const task = hovered && labelsMatch ? labels.tasks[hovered.row] : undefined;
  const agent = hovered && labelsMatch ? labels.agents[hovered.col] : undefined;
  const max = slice?.max ?? 0;

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end gap-4">
        <h1 className="mr-auto text-lg font-semibold">Task tensor</h1>
        <div>
          <label htmlFor="tensor-goal" className="block text-xs font-medium text-slate-600">
            Goal
          </label>
          <select
            id="tensor-goal"
            value={goalId ?? ""}
            onChange={(e) => setGoalId(e.target.value || null)}
            className="mt-0.5 w-72 rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm"
          >
            <option value="">All open goals</option>
            {goals.map((g) => (
              <option key={g.id} value={g.id}>
                {g.goal.slice(0, 60)} ({g.status})
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="tensor-level" className="block text-xs font-medium text-slate-600">
            Priority level
          </label>
          <select
            id="tensor-level"
            value={String(level)}
            onChange={(e) => setLevel(e.target.value === "all" ? "all" : (Number(e.target.value) as LevelChoice))}
            className="mt-0.5 rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm"
          >
            {LEVELS.map((l) => (
              <option key={String(l.value)} value={String(l.value)}>
                {l.label}
              </option>
            ))}
          </select>
        </div>
      </div>

      <div ref={boxRef}>
        <Card>
          {isLoading ? (
            <Loading label="Loading the tensor…" />
          ) : error ? (
            <ErrorState error={error} title="Could not load the tensor" />
          ) : !tensor || tensor.rows === 0 || tensor.cols === 0 ? (
            <EmptyState title={tensor && tensor.rows > 0 ? "No agents registered" : "No open tasks"}>
              The tensor has {tensor?.rows ?? 0} task{tensor?.rows === 1 ? "" : "s"} × {tensor?.cols ?? 0} agent
              {tensor?.cols === 1 ? "" : "s"}.
            </EmptyState>
          ) : (
            <div className="space-y-3">
              <div className="flex flex-wrap items-center gap-4 text-xs text-slate-600">
                <span data-testid="tensor-shape">
                  {tensor.rows} tasks × {tensor.cols} agents × 4 levels
                </span>
                <span>{slice?.nonZero ?? 0} non-zero cells</span>
                {drawMs !== null && <span>drawn in {drawMs.toFixed(0)} ms</span>}
                {isFetching && <span className="text-slate-400">refreshing…</span>}
                <span className="ml-auto flex items-center gap-2" aria-label="Legend">
                  <span>0</span>
                  <span
                    aria-hidden
                    className="h-3 w-40 rounded border border-slate-200"
                    style={{
                      background: `linear-gradient(to right, rgb(255,255,255), rgb(${colourOf(1e-9, 1).slice(0, 3).join(",")}), rgb(${colourOf(1, 1).slice(0, 3).join(",")}))`,
                    }}
                  />
                  <span>{max.toFixed(2)}</span>
                  <span className="text-slate-400">(1.0 = held by that agent; fractions = chance of getting it)</span>
                </span>
              </div>
              <div className="flex gap-3">
                <div className="relative max-h-[70vh] min-w-0 flex-1 overflow-auto rounded border border-slate-200">
                  <canvas
                    ref={canvasRef}
                    data-testid="tensor-canvas"
                    data-rows={tensor.rows}
                    data-cols={tensor.cols}
                    data-level={String(level)}
                    data-max={max}
                    data-nonzero={slice?.nonZero ?? 0}
                    role="img"
                    aria-label={`Heatmap of ${tensor.rows} tasks by ${tensor.cols} agents, ${level === "all" ? "all priority levels summed" : `priority level ${level}`}`}
                    className="block cursor-crosshair"
                    style={{ imageRendering: "pixelated" }}
                    onMouseMove={(e) => {
                      const rect = e.currentTarget.getBoundingClientRect();
                      const cell = cellAt(e.clientX - rect.left, e.clientY - rect.top, tensor.rows, tensor.cols, size);
                      setHover(cell ? { ...cell, x: e.clientX, y: e.clientY } : null);
                    }}
                    onMouseLeave={() => setHover(null)}
                  />
                </div>
                <div className="w-64 shrink-0 rounded border border-slate-200 p-3 text-xs" aria-live="polite" data-testid="tensor-hover">
                  {hovered ? (
                    <dl className="space-y-1.5">
                      <div>
                        <dt className="text-slate-500">Task (row {hovered.row})</dt>
                        <dd className="font-medium">{task ? `${task.key} · ${task.name}` : "…"}</dd>
                        {task && <dd className="font-mono text-[10px] text-slate-400">{task.id}</dd>}
                      </div>
                      <div>
                        <dt className="text-slate-500">Agent (column {hovered.col})</dt>
                        <dd className="font-medium">{agent?.name ?? "…"}</dd>
                      </div>
                      <div>
                        <dt className="text-slate-500">Values by level</dt>
                        <dd>
                          <table className="w-full tabular-nums">
                            <tbody>
                              {hovered.values.map((v, p) => (
                                <tr key={p} className={level === p ? "font-semibold" : ""}>
                                  <td>
                                    {p} {PRIORITY[p]}
                                  </td>
                                  <td className="text-right" data-testid={`tensor-hover-level-${p}`}>
                                    {v.toFixed(3)}
                                  </td>
                                </tr>
                              ))}
                            </tbody>
                          </table>
                        </dd>
                      </div>
                    </dl>
                  ) : (
                    <p className="text-slate-500">Hover a cell to read its task, agent, level and value.</p>
                  )}
                </div>
              </div>
            </div>
          )}
        </Card>
      </div>
    </div>
  );
}
