// The tensor heatmap's pure parts: parsing the binary tensor, slicing one priority level
// (or summing all four), the colour scale, cell sizes and hit-testing.
import type { Tensor } from "@/lib/ui/types";

export type LevelChoice = 0 | 1 | 2 | 3 | "all";

export function parseShape(header: string | null): [number, number, number] {
  const parts = (header ?? "").split(",").map((p) => Number(p.trim()));
  if (parts.length !== 3 || parts.some((p) => !Number.isInteger(p) || p < 0)) throw new Error(`bad tensor shape header: ${header}`);
  return parts as [number, number, number];
}

/** The binary body as a tensor; Float32 little-endian (copied if the platform is big-endian). */
export function parseTensor(buffer: ArrayBuffer, shapeHeader: string | null): Tensor {
  const [rows, cols, levels] = parseShape(shapeHeader);
  if (levels !== 4) throw new Error(`expected 4 priority levels, got ${levels}`);
  const expected = rows * cols * levels * 4;
  if (buffer.byteLength !== expected) throw new Error(`tensor body is ${buffer.byteLength} bytes, expected ${expected}`);
  const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  if (littleEndian) return { rows, cols, values: new Float32Array(buffer) };
  const view = new DataView(buffer);
  const values = new Float32Array(rows * cols * levels);
  for (let i = 0; i < values.length; i++) values[i] = view.getFloat32(i * 4, true);
  return { rows, cols, values };
}

/** One value per (task, agent): the chosen level, or the sum of the four. */
export function sliceLevel(tensor: Tensor, level: LevelChoice): { cells: Float32Array; max: number; nonZero: number } {
  const n = tensor.rows * tensor.cols;
  const cells = new Float32Array(n);
  const v = tensor.values;
  let max = 0;
  let nonZero = 0;
  for (let c = 0, base = 0; c < n; c++, base += 4) {
    const x = level === "all" ? v[base]! + v[base + 1]! + v[base + 2]! + v[base + 3]! : v[base + level]!;
    cells[c] = x;
    if (x > max) max = x;
    if (x !== 0) nonZero++;
  }
  return { cells, max, nonZero };
}

/** White for zero, then a sequential blue scale up to `max` (RGBA bytes). */
export function colourOf(value: number, max: number): [number, number, number, number] {
  if (value <= 0 || max <= 0) return [255, 255, 255, 255];
  const t = Math.min(1, value / max);
  // From a light sky (224, 242, 254) to a deep indigo (49, 46, 129).
  return [Math.round(224 + (49 - 224) * t), Math.round(242 + (46 - 242) * t), Math.round(254 + (129 - 254) * t), 255];
}

/** RGBA pixels, one per cell (row = task, column = agent). */
export function paintCells(cells: Float32Array, max: number, into?: Uint8ClampedArray): Uint8ClampedArray {
  const pixels = into ?? new Uint8ClampedArray(cells.length * 4);
  for (let c = 0; c < cells.length; c++) {
    const [r, g, b, a] = colourOf(cells[c]!, max);
    const p = c * 4;
    pixels[p] = r;
    pixels[p + 1] = g;
    pixels[p + 2] = b;
    pixels[p + 3] = a;
  }
  return pixels;
}

/** Whole-pixel cell sizes that fit the available width and a target height. */
export function cellSize(rows: number, cols: number, availableWidth: number, targetHeight = 640): { width: number; height: number } {
  const width = Math.max(1, Math.min(48, Math.floor(availableWidth / Math.max(1, cols))));
  const height = Math.max(1, Math.min(24, Math.floor(targetHeight / Math.max(1, rows))));
  return { width, height };
}

/** The cell under a point of the canvas, or null outside it. */
export function cellAt(
  x: number,
  y: number,
  rows: number,
  cols: number,
  size: { width: number; height: number },
): { row: number; col: number } | null {
  const col = Math.floor(x / size.width);
  const row = Math.floor(y / size.height);
  if (x < 0 || y < 0 || row >= rows || col >= cols) return null;
  return { row, col };
}

export function valueAt(tensor: Tensor, row: number, col: number): [number, number, number, number] {
  const base = (row * tensor.cols + col) * 4;
  const v = tensor.values;
  return [v[base]!, v[base + 1]!, v[base + 2]!, v[base + 3]!];
}
