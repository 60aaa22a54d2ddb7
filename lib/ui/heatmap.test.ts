import { describe, expect, it } from "vitest";
import { cellAt, cellSize, colourOf, paintCells, parseTensor, sliceLevel, valueAt } from "@/lib/ui/heatmap";

function binary(rows: number, cols: number, entries: Array<[number, number, number, number]>): ArrayBuffer {
  const buffer = new ArrayBuffer(rows * cols * 4 * 4);
  const view = new DataView(buffer);
  for (const [i, j, p, v] of entries) view.setFloat32(((i * cols + j) * 4 + p) * 4, v, true);
  return buffer;
}

describe("heatmap", () => {
  it("parses the binary tensor and reads a cell's four levels", () => {
    const t = parseTensor(
      binary(2, 3, [
        [1, 2, 3, 0.25],
        [0, 0, 0, 1],
      ]),
      "2,3,4",
    );
    expect([t.rows, t.cols]).toEqual([2, 3]);
    expect(valueAt(t, 1, 2)).toEqual([0, 0, 0, 0.25]);
    expect(valueAt(t, 0, 0)).toEqual([1, 0, 0, 0]);
  });

  it("refuses a body that does not match its shape", () => {
    expect(() => parseTensor(new ArrayBuffer(12), "2,3,4")).toThrow(/expected 96/);
    expect(() => parseTensor(new ArrayBuffer(0), "x")).toThrow(/shape/);
  });

  it("slices one level or sums all four", () => {
    const t = parseTensor(
      binary(1, 2, [
        [0, 0, 1, 0.5],
        [0, 0, 2, 0.25],
        [0, 1, 3, 1],
      ]),
      "1,2,4",
    );
    expect(Array.from(sliceLevel(t, 1).cells)).toEqual([0.5, 0]);
    const all = sliceLevel(t, "all");
    expect(Array.from(all.cells)).toEqual([0.75, 1]);
    expect(all.max).toBe(1);
    expect(all.nonZero).toBe(2);
    expect(sliceLevel(t, 0).nonZero).toBe(0);
  });

  it("paints zero white and the maximum darkest", () => {
    expect(colourOf(0, 1)).toEqual([255, 255, 255, 255]);
    const pixels = paintCells(new Float32Array([0, 0.5, 1]), 1);
    expect(Array.from(pixels.slice(0, 4))).toEqual([255, 255, 255, 255]);
    expect(pixels[8]! + pixels[9]! + pixels[10]!).toBeLessThan(pixels[4]! + pixels[5]! + pixels[6]!);
  });

  it("sizes cells in whole pixels and finds the cell under the pointer", () => {
    const size = cellSize(5000, 200, 1000);
    expect(size).toEqual({ width: 5, height: 1 });
    expect(cellAt(12, 4999.5, 5000, 200, size)).toEqual({ row: 4999, col: 2 });
    expect(cellAt(1000, 0, 5000, 200, size)).toBeNull();
    expect(cellSize(3, 4, 1000)).toEqual({ width: 48, height: 24 });
  });

  it("slices a 5,000 × 200 tensor", () => {
    const t = parseTensor(binary(5000, 200, [[4999, 199, 2, 1]]), "5000,200,4");
    const { cells, max } = sliceLevel(t, "all");
    expect(cells.length).toBe(1_000_000);
    expect(max).toBe(1);
    expect(paintCells(cells, max).length).toBe(4_000_000);
  });
});
