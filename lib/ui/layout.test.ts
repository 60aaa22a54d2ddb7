import { describe, expect, it } from "vitest";
import { DAGRE_LIMIT, layoutDag, NODE_HEIGHT, NODE_WIDTH, parseStructureKey, structureKey } from "@/lib/ui/layout";

function overlaps(a: { x: number; y: number }, b: { x: number; y: number }) {
  return Math.abs(a.x - b.x) < NODE_WIDTH && Math.abs(a.y - b.y) < NODE_HEIGHT;
}

function layered(n: number, width: number) {
  // Ranks of `width` tasks; each depends on one or two of the rank before.
  const nodes = Array.from({ length: n }, (_, i) => ({ id: `t${i}` }));
  const edges = nodes.flatMap((_, i) => {
    const r = Math.floor(i / width);
    if (r === 0) return [];
    const deps = new Set([(r - 1) * width + (i % width), (r - 1) * width + ((i * 7 + 3) % width)]);
    return [...deps].map((d) => ({ from: `t${d}`, to: `t${i}` }));
  });
  return { nodes, edges };
}

function expectValid(positions: Map<string, { x: number; y: number }>, edges: Array<{ from: string; to: string }>) {
  const list = [...positions.values()].sort((a, b) => a.x - b.x || a.y - b.y);
  for (let i = 1; i < list.length; i++) expect(overlaps(list[i - 1]!, list[i]!)).toBe(false);
  const seen = new Set<string>();
  for (const p of positions.values()) {
    const cell = `${p.x},${p.y}`;
    expect(seen.has(cell)).toBe(false);
    seen.add(cell);
  }
  for (const e of edges) expect(positions.get(e.from)!.x + NODE_WIDTH).toBeLessThanOrEqual(positions.get(e.to)!.x);
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
    for (let i = 0; i < ids.length; i++)
      for (let j = i + 1; j < ids.length; j++) expect(overlaps(positions.get(ids[i]!)!, positions.get(ids[j]!)!)).toBe(false);
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

  it("lays out 1,000 tasks (the layered algorithm) deterministically, ranked and without overlaps", () => {
    const { nodes, edges } = layered(1000, 50);
    const first = layoutDag(nodes, edges);
    const second = layoutDag(nodes, edges);
    expect([...first.positions.entries()]).toEqual([...second.positions.entries()]);
    expectValid(first.positions, edges);
    // 20 ranks of 50: one column per rank.
    expect(new Set([...first.positions.values()].map((p) => p.x)).size).toBe(20);
  });

  it("both algorithms give valid layouts of the same graph, and the default switches at DAGRE_LIMIT", () => {
    const { nodes, edges } = layered(60, 6);
    expectValid(layoutDag(nodes, edges, { algorithm: "dagre" }).positions, edges);
    expectValid(layoutDag(nodes, edges, { algorithm: "layered" }).positions, edges);
    const small = layered(DAGRE_LIMIT, 10);
    const big = layered(DAGRE_LIMIT + 1, 10);
    expect(layoutDag(small.nodes, small.edges)).toEqual(layoutDag(small.nodes, small.edges, { algorithm: "dagre" }));
    expect(layoutDag(big.nodes, big.edges)).toEqual(layoutDag(big.nodes, big.edges, { algorithm: "layered" }));
  });

  it("the layered ordering puts a chain's tasks on one row (barycentres follow the parent)", () => {
    const nodes = ["a1", "b1", "b2", "a2", "b3", "a3"].map((id) => ({ id }));
    // Listed crossed on purpose: b2 before a2, though a2 follows a1 (row 0).
    const edges = [
      { from: "a1", to: "a2" },
      { from: "b1", to: "b2" },
      { from: "a2", to: "a3" },
      { from: "b2", to: "b3" },
    ];
    const { positions } = layoutDag(nodes, edges, { algorithm: "layered" });
    expect(positions.get("a1")!.y).toBe(positions.get("a3")!.y);
    expect(positions.get("b1")!.y).toBe(positions.get("b3")!.y);
    expect(positions.get("a1")!.y).not.toBe(positions.get("b1")!.y);
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

describe("parseStructureKey", () => {
  it("gives back the nodes and edges the key was made of", () => {
    const nodes = [{ id: "a" }, { id: "b" }, { id: "c" }];
    const edges = [
      { from: "a", to: "b" },
      { from: "b", to: "c" },
    ];
    expect(parseStructureKey(structureKey(nodes, edges))).toEqual({ nodes, edges });
    expect(parseStructureKey(structureKey([], []))).toEqual({ nodes: [], edges: [] });
  });
});
