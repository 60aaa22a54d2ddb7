import { describe, expect, it } from "vitest";
import { growLayout } from "@/lib/ui/grow-layout";
import { layoutDag, NODE_HEIGHT, NODE_WIDTH } from "@/lib/ui/layout";

const nodes = (...ids: string[]) => ids.map((id) => ({ id }));
const edge = (from: string, to: string) => ({ from, to });

describe("growLayout", () => {
  it("without earlier positions is the full layout", () => {
    const n = nodes("a", "b");
    const e = [edge("a", "b")];
    expect(growLayout(null, n, e).positions).toEqual(layoutDag(n, e).positions);
  });

  it("keeps every placed node where it was when tasks are spawned, and places the new ones right of their parent without overlaps", () => {
    const first = layoutDag(nodes("scan", "report"), [edge("scan", "report")]);
    const grown = growLayout(first.positions, nodes("scan", "report", "s1", "s2", "s3"), [
      edge("scan", "report"),
      edge("scan", "s1"),
      edge("scan", "s2"),
      edge("scan", "s3"),
      edge("s1", "report"),
      edge("s2", "report"),
      edge("s3", "report"),
    ]);
    expect(grown.positions.get("scan")).toEqual(first.positions.get("scan"));
    expect(grown.positions.get("report")).toEqual(first.positions.get("report"));
    const scan = first.positions.get("scan")!;
    const placed = [...grown.positions.entries()];
    for (const key of ["s1", "s2", "s3"]) expect(grown.positions.get(key)!.x).toBeGreaterThan(scan.x);
    for (let i = 0; i < placed.length; i++) {
      for (let j = i + 1; j < placed.length; j++) {
        const [a, b] = [placed[i]![1], placed[j]![1]];
        const apart = Math.abs(a.x - b.x) >= NODE_WIDTH || Math.abs(a.y - b.y) >= NODE_HEIGHT;
        expect(apart, `${placed[i]![0]} and ${placed[j]![0]} overlap`).toBe(true);
      }
    }
  });

  it("a chain spawned under a chain goes column by column", () => {
    const first = layoutDag(nodes("a"), []);
    const grown = growLayout(first.positions, nodes("a", "a.1", "a.2"), [edge("a", "a.1"), edge("a.1", "a.2")]);
    expect(grown.positions.get("a.2")!.x).toBeGreaterThan(grown.positions.get("a.1")!.x);
    expect(grown.positions.get("a.1")!.x).toBeGreaterThan(grown.positions.get("a")!.x);
  });

  it("lays out afresh when placed nodes are gone (another goal)", () => {
    const first = layoutDag(nodes("x"), []);
    const n = nodes("a", "b");
    expect(growLayout(first.positions, n, [edge("a", "b")]).positions).toEqual(layoutDag(n, [edge("a", "b")]).positions);
  });
});
