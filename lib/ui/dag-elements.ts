// The React Flow elements of a goal's DAG, built so that whatever did not change keeps
// its identity. React Flow keeps its internal node for a node object it has seen before
// and does not re-render it, so a live event that patches one task (lib/ui/event-effects.ts:
// the other tasks stay the same objects, as they do through TanStack Query's structural
// sharing after a refetch) redraws one node and its edges, not the graph.
//
// Each node also carries its size and its handles' places: React Flow renders every node
// whose handles it has not measured, on screen or not (a thousand on opening a big goal,
// and again for any node object it had not seen), only to measure and drop them.
import { Position, type Edge, type Node, type NodeHandle } from "@xyflow/react";
import { NODE_HEIGHT, NODE_WIDTH } from "@/lib/ui/layout";
import type { GoalWithTasks, Task } from "@/lib/ui/types";

export type TaskNodeData = { task: Task };
export type TaskNodeType = Node<TaskNodeData, "task">;
type Point = { x: number; y: number };
type DependencyEdge = GoalWithTasks["edges"][number];

const nodes = new WeakMap<Task, TaskNodeType>();

/**
 * Where components/goal/task-node.tsx draws its two handles (React Flow's 6 px handles,
 * centred on the left and right edges inside the node's 2 px border), relative to the node.
 */
const HANDLE = 6;
const BORDER = 2;
export const TASK_NODE_HANDLES: NodeHandle[] = [
  { type: "target", position: Position.Left, x: BORDER - HANDLE / 2, y: NODE_HEIGHT / 2 - HANDLE / 2, width: HANDLE, height: HANDLE },
  {
    type: "source",
    position: Position.Right,
    x: NODE_WIDTH - BORDER - HANDLE / 2,
    y: NODE_HEIGHT / 2 - HANDLE / 2,
    width: HANDLE,
    height: HANDLE,
  },
];
const edges = new WeakMap<DependencyEdge, Edge>();

/** The node of a task: the one built before for the same task object, position and selection. */
export function taskNode(task: Task, position: Point, selected: boolean): TaskNodeType {
  const known = nodes.get(task);
  if (known && known.selected === selected && known.position.x === position.x && known.position.y === position.y) return known;
  const node: TaskNodeType = {
    id: task.uuid,
    type: "task",
    position,
    data: { task },
    // Known sizes: nothing to measure before the minimap, fitView and the edges can use them.
    width: NODE_WIDTH,
    height: NODE_HEIGHT,
    measured: { width: NODE_WIDTH, height: NODE_HEIGHT },
    handles: TASK_NODE_HANDLES,
    selected,
    draggable: false,
    connectable: false,
  };
  nodes.set(task, node);
  return node;
}

// Shared, so an edge whose look did not change compares equal.
const DONE_STYLE = { stroke: "#10b981", strokeWidth: 1.5 };
const OPEN_STYLE = { stroke: "#94a3b8", strokeWidth: 1.5 };

/** A dependency's edge: green once its source completed, animated while its target runs. */
export function dependencyEdge(edge: DependencyEdge, sourceStatus: string | undefined, targetStatus: string | undefined): Edge {
  const animated = targetStatus === "running";
  const style = sourceStatus === "completed" ? DONE_STYLE : OPEN_STYLE;
  const known = edges.get(edge);
  if (known && known.animated === animated && known.style === style) return known;
  const built: Edge = { id: `${edge.from}>${edge.to}`, source: edge.from, target: edge.to, animated, style };
  edges.set(edge, built);
  return built;
}
