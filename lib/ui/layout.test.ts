import { describe, expect, it } from "vitest";
import { layoutDag, NODE_HEIGHT, NODE_WIDTH, structureKey } from "@/lib/ui/layout";

function overlaps(a: { x: number; y: number }, b: { x: number; y: number }) {
  return Math.abs(a.x - b.x) < NODE_WIDTH && Math.abs(a.y - b.y) < NODE_HEIGHT;
}

describe("layoutDag", () => {
  it("places every dependency strictly left of its dependents (LR)", () => {
    const nodes = ["req", "design", "impl", "test"].map((id) => ({ id }));
    const edges = [
      { from: "req", to: "design" },
      { from: "design", to: "impl" },
      { from: "impl", to: "test" },
    ];
    const { positions } = layoutDag(nodes, edges);
    expect(positions.size).toBe(4);
    for (const e of edges) expect(positions.get(e.from)!.x + NODE_WIDTH).toBeLessThanOrEqual(positions.get(e.to)!.x);
  });

  it("puts parallel tasks of a fan-out in one column without overlapping", () => {
    const nodes = [{ id: "a" }, { id: "b" }, { id: "c" }, { id: "agg" }];
    const edges = ["a", "b", "c"].map((from) => ({ from, to: "agg" }));
    const { positions } = layoutDag(nodes, edges);
    const xs = new Set(["a", "b", "c"].map((id) => positions.get(id)!.x));
    expect(xs.size).toBe(1);
    const ids = ["a", "b", "c", "agg"];
    for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) expect(overlaps(positions.get(ids[i]!)!, positions.get(ids[j]!)!)).toBe(false);
  });

  it("returns top-left corners starting at the origin and the bounding size", () => {
    const { positions, width, height } = layoutDag([{ id: "only" }], []);
    expect(positions.get("only")).toEqual({ x: 0, y: 0 });
    expect(width).toBe(NODE_WIDTH);
    expect(height).toBe(NODE_HEIGHT);
  });

  it("ignores edges to nodes that are not in the list", () => {
    const { positions } = layoutDag([{ id: "a" }], [{ from: "ghost", to: "a" }]);
    expect([...positions.keys()]).toEqual(["a"]);
  });

  it("is deterministic, and lays out 1,000 tasks with no overlaps", () => {
    const nodes = Array.from({ length: 1000 }, (_, i) => ({ id: `t${i}` }));
    const edges = nodes.slice(10).map((n, i) => ({ from: `t${i % 10 === 0 ? i : i - (i % 10)}`, to: n.id }));
    const first = layoutDag(nodes, edges);
    const second = layoutDag(nodes, edges);
    expect([...first.positions.entries()]).toEqual([...second.positions.entries()]);
    const seen = new Set<string>();
    for (const p of first.positions.values()) {
      const cell = `${p.x},${p.y}`;
      expect(seen.has(cell)).toBe(false);
      seen.add(cell);
    }
    for (const e of edges) expect(first.positions.get(e.from)!.x).toBeLessThan(first.positions.get(e.to)!.x);
  });

  it("top-to-bottom direction ranks vertically", () => {
    const { positions } = layoutDag([{ id: "a" }, { id: "b" }], [{ from: "a", to: "b" }], { direction: "TB" });
    expect(positions.get("a")!.y + NODE_HEIGHT).toBeLessThanOrEqual(positions.get("b")!.y);
  });
});

describe("structureKey", () => {
  it("changes with the structure and only with it", () => {
    const a = structureKey([{ id: "x" }, { id: "y" }], [{ from: "x", to: "y" }]);
    expect(structureKey([{ id: "x" }, { id: "y" }], [{ from: "x", to: "y" }])).toBe(a);
    expect(structureKey([{ id: "x" }, { id: "y" }], [])).not.toBe(a);
    expect(structureKey([{ id: "x" }, { id: "z" }], [{ from: "x", to: "z" }])).not.toBe(a);
  });
});
