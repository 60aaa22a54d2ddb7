// Layout of a DAG that grows (pure): when tasks are spawned into a goal the nodes already
// on screen keep their positions, and each new node goes one column to the right of its
// right-most placed predecessor, in the free row nearest its predecessors' mean height.
// Without any earlier positions, the full layout (layoutDag) is used.
import {
  layoutDag,
  NODE_HEIGHT,
  NODE_WIDTH,
  type LayoutEdge,
  type LayoutNode,
  type LayoutOptions,
  type LayoutResult,
} from "@/lib/ui/layout";

const RANK_SEP = 60;
const NODE_SEP = 20;

export function growLayout(
  previous: ReadonlyMap<string, { x: number; y: number }> | null,
  nodes: readonly LayoutNode[],
  edges: readonly LayoutEdge[],
  options: LayoutOptions = {},
): LayoutResult {
  const ids = new Set(nodes.map((n) => n.id));
  // Nothing placed yet, or nodes went away (another goal): lay it all out afresh.
  if (!previous || previous.size === 0 || [...previous.keys()].some((id) => !ids.has(id))) return layoutDag(nodes, edges, options);
  const width = options.nodeWidth ?? NODE_WIDTH;
  const height = options.nodeHeight ?? NODE_HEIGHT;
  const step = height + (options.nodeSep ?? NODE_SEP);
  const positions = new Map<string, { x: number; y: number }>();
  for (const n of nodes) {
    const p = previous.get(n.id);
    if (p) positions.set(n.id, { ...p });
  }
  const parents = new Map<string, string[]>();
  for (const e of edges) if (ids.has(e.from) && ids.has(e.to)) parents.set(e.to, [...(parents.get(e.to) ?? []), e.from]);
  const overlaps = (x: number, y: number) => [...positions.values()].some((p) => Math.abs(p.x - x) < width && Math.abs(p.y - y) < step);

  const place = (n: LayoutNode) => {
    const placed = (parents.get(n.id) ?? []).map((p) => positions.get(p)).filter((p): p is { x: number; y: number } => Boolean(p));
    const x = placed.length > 0 ? Math.max(...placed.map((p) => p.x)) + width + (options.rankSep ?? RANK_SEP) : 0;
    const wanted = placed.length > 0 ? Math.round(placed.reduce((s, p) => s + p.y, 0) / placed.length) : 0;
    // The nearest free row: wanted, then one step below, one above, two below…
    let y = wanted;
    for (let k = 1; overlaps(x, y); k++) y = wanted + (k % 2 === 1 ? 1 : -1) * Math.ceil(k / 2) * step;
    positions.set(n.id, { x, y });
  };
  // New nodes once all their parents are placed (a pass that places none places the rest as they come).
  let pending = nodes.filter((n) => !positions.has(n.id));
  while (pending.length > 0) {
    const ready = pending.filter((n) => (parents.get(n.id) ?? []).every((p) => positions.has(p)));
    for (const n of ready.length > 0 ? ready : pending) place(n);
    pending = pending.filter((n) => !positions.has(n.id));
  }
  let maxX = 0;
  let maxY = 0;
  for (const p of positions.values()) {
    maxX = Math.max(maxX, p.x + width);
    maxY = Math.max(maxY, p.y + height);
  }
  return { positions, width: maxX, height: maxY };
}
