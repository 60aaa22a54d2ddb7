// Automatic layout of a goal's DAG (pure): dagre ranks tasks left to right by their
// dependencies and returns a top-left position for each node. Keyed on the structure
// only (ids and edges), so a status change never moves a node.
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
}

export interface LayoutResult {
  positions: Map<string, { x: number; y: number }>;
  width: number;
  height: number;
}

export const NODE_WIDTH = 200;
export const NODE_HEIGHT = 64;

export function layoutDag(nodes: readonly LayoutNode[], edges: readonly LayoutEdge[], options: LayoutOptions = {}): LayoutResult {
  const width = options.nodeWidth ?? NODE_WIDTH;
  const height = options.nodeHeight ?? NODE_HEIGHT;
  const graph = new Graph({ directed: true, multigraph: false, compound: false });
  graph.setGraph({ rankdir: options.direction ?? "LR", ranksep: options.rankSep ?? 60, nodesep: options.nodeSep ?? 20, marginx: 0, marginy: 0 });
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

/** A key that changes only when the graph's structure does (memoisation of the layout). */
export function structureKey(nodes: readonly LayoutNode[], edges: readonly LayoutEdge[]): string {
  let key = `${nodes.length}:${edges.length}`;
  for (const n of nodes) key += `|${n.id}`;
  for (const e of edges) key += `|${e.from}>${e.to}`;
  return key;
}
