// Automatic layout of a goal's DAG (pure): tasks ranked left to right by their
// dependencies, a top-left position for each node. Up to DAGRE_LIMIT tasks, dagre (the
// nicest result); above it a linear-time layered layout (longest-path ranks, barycentre
// ordering sweeps), because dagre's crossing minimisation takes seconds on a thousand
// tasks. Keyed on the structure only (ids and edges), so a status change never moves a node.
import { Graph, layout as dagreLayout } from "@dagrejs/dagre";

export interface LayoutNode {
  id: string;
}

export interface LayoutEdge {
  from: string;
  to: string;
}

export interface LayoutOptions {
  nodeWidth?: number;
  nodeHeight?: number;
  /** Space between ranks (columns). */
  rankSep?: number;
  /** Space between nodes of one rank. */
  nodeSep?: number;
  direction?: "LR" | "TB";
  /** Force one algorithm (default: dagre up to DAGRE_LIMIT nodes, layered above). */
  algorithm?: "dagre" | "layered";
}

export interface LayoutResult {
  positions: Map<string, { x: number; y: number }>;
  width: number;
  height: number;
}

export const NODE_WIDTH = 200;
export const NODE_HEIGHT = 64;
export const DAGRE_LIMIT = 150;

export function layoutDag(nodes: readonly LayoutNode[], edges: readonly LayoutEdge[], options: LayoutOptions = {}): LayoutResult {
  const algorithm = options.algorithm ?? (nodes.length <= DAGRE_LIMIT ? "dagre" : "layered");
  return algorithm === "dagre" ? dagreDag(nodes, edges, options) : layeredDag(nodes, edges, options);
}

function dagreDag(nodes: readonly LayoutNode[], edges: readonly LayoutEdge[], options: LayoutOptions): LayoutResult {
  const width = options.nodeWidth ?? NODE_WIDTH;
  const height = options.nodeHeight ?? NODE_HEIGHT;
  const graph = new Graph({ directed: true, multigraph: false, compound: false });
  graph.setGraph({
    rankdir: options.direction ?? "LR",
    ranksep: options.rankSep ?? 60,
    nodesep: options.nodeSep ?? 20,
    marginx: 0,
    marginy: 0,
  });
  graph.setDefaultEdgeLabel(() => ({}));
  const known = new Set<string>();
  for (const node of nodes) {
    known.add(node.id);
    graph.setNode(node.id, { width, height });
  }
  // An edge to a node not in the list (a filtered view) is ignored rather than invented.
  for (const edge of edges) if (known.has(edge.from) && known.has(edge.to)) graph.setEdge(edge.from, edge.to);
  dagreLayout(graph);

  const positions = new Map<string, { x: number; y: number }>();
  let maxX = 0;
  let maxY = 0;
  for (const node of nodes) {
    const placed = graph.node(node.id) as { x: number; y: number };
    // dagre gives centres; React Flow wants top-left corners.
    const x = Math.round(placed.x - width / 2);
    const y = Math.round(placed.y - height / 2);
    positions.set(node.id, { x, y });
    maxX = Math.max(maxX, x + width);
    maxY = Math.max(maxY, y + height);
  }
  return { positions, width: maxX, height: maxY };
}

/**
 * Layered layout in O(sweeps × (V log V + E)): rank = longest path from a source, then a
 * few barycentre sweeps order each rank to cut crossings, then ranks are centred.
 */
function layeredDag(nodes: readonly LayoutNode[], edges: readonly LayoutEdge[], options: LayoutOptions): LayoutResult {
  const width = options.nodeWidth ?? NODE_WIDTH;
  const height = options.nodeHeight ?? NODE_HEIGHT;
  const rankSep = options.rankSep ?? 60;
  const nodeSep = options.nodeSep ?? 20;
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  const preds: number[][] = nodes.map(() => []);
  const succs: number[][] = nodes.map(() => []);
  for (const e of edges) {
    const from = index.get(e.from);
    const to = index.get(e.to);
    if (from === undefined || to === undefined || from === to) continue;
    preds[to]!.push(from);
    succs[from]!.push(to);
  }

  // Longest-path ranks by Kahn's order (a node left in a cycle, which a plan never has, keeps rank 0).
  const rank = new Array<number>(nodes.length).fill(0);
  const indegree = preds.map((p) => p.length);
  const queue: number[] = [];
  indegree.forEach((d, i) => d === 0 && queue.push(i));
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head]!;
    for (const w of succs[v]!) {
      rank[w] = Math.max(rank[w]!, rank[v]! + 1);
      if (--indegree[w]! === 0) queue.push(w);
    }
  }

  const layers: number[][] = [];
  nodes.forEach((_, i) => (layers[rank[i]!] ??= []).push(i));
  for (let r = 0; r < layers.length; r++) layers[r] ??= [];
  const position = new Float64Array(nodes.length);
  const place = (layer: number[]) => layer.forEach((v, i) => (position[v] = i));
  layers.forEach(place);

  const sortBy = (layer: number[], neighbours: number[][]) => {
    const key = new Map<number, number>();
    for (const v of layer) {
      const ns = neighbours[v]!;
      // A node with no neighbour on that side keeps its place.
      key.set(v, ns.length === 0 ? position[v]! : ns.reduce((sum, n) => sum + position[n]!, 0) / ns.length);
    }
    layer.sort((a, b) => key.get(a)! - key.get(b)! || a - b);
    place(layer);
  };
  for (let sweep = 0; sweep < 4; sweep++) {
    if (sweep % 2 === 0) for (let r = 1; r < layers.length; r++) sortBy(layers[r]!, preds);
    else for (let r = layers.length - 2; r >= 0; r--) sortBy(layers[r]!, succs);
  }

  const across = (options.direction ?? "LR") === "LR" ? height + nodeSep : width + nodeSep;
  const along = (options.direction ?? "LR") === "LR" ? width + rankSep : height + rankSep;
  const widest = Math.max(...layers.map((l) => l.length), 1);
  const positions = new Map<string, { x: number; y: number }>();
  let maxX = 0;
  let maxY = 0;
  layers.forEach((layer, r) => {
    const offset = Math.round(((widest - layer.length) * across) / 2);
    layer.forEach((v, i) => {
      const a = r * along;
      const b = offset + i * across;
      const p = (options.direction ?? "LR") === "LR" ? { x: a, y: b } : { x: b, y: a };
      positions.set(nodes[v]!.id, p);
      maxX = Math.max(maxX, p.x + width);
      maxY = Math.max(maxY, p.y + height);
    });
  });
  return { positions, width: maxX, height: maxY };
}

/** A key that changes only when the graph's structure does (memoisation of the layout). */
export function structureKey(nodes: readonly LayoutNode[], edges: readonly LayoutEdge[]): string {
  let key = `${nodes.length}:${edges.length}`;
  for (const n of nodes) key += `|${n.id}`;
  for (const e of edges) key += `|${e.from}>${e.to}`;
  return key;
}

/** The nodes and edges a structure key stands for (ids contain neither `|` nor `>`). */
export function parseStructureKey(key: string): { nodes: LayoutNode[]; edges: LayoutEdge[] } {
  const [counts, ...parts] = key.split("|");
  const nodeCount = Number(counts!.split(":")[0]);
  const nodes = parts.slice(0, nodeCount).map((id) => ({ id }));
  const edges = parts.slice(nodeCount).map((part) => {
    const [from, to] = part.split(">") as [string, string];
    return { from, to };
  });
  return { nodes, edges };
}
