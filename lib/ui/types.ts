// The dashboard's view of the API's JSON: the presenters' types with dates as ISO strings.
import type { AgentView } from "@/lib/presenters/agents";
import type { GoalDetail, GoalSummary } from "@/lib/presenters/goals";
import type { getStatus } from "@/lib/presenters/status";
import type { getSubtask } from "@/lib/presenters/subtask-detail";
import type { getAgentThroughput, getThroughput } from "@/lib/presenters/throughput";
import type { loadTensorLabels } from "@/lib/presenters/tensor-labels";
import type { presentCreatedGoal } from "@/lib/api/present";

/** What a value looks like after JSON.stringify / JSON.parse. */
export type Jsonify<T> = T extends Date
  ? string
  : T extends bigint
    ? number
    : T extends Array<infer U>
      ? Array<Jsonify<U>>
      : T extends object
        ? { [K in keyof T]: Jsonify<T[K]> }
        : T;

export type Goal = Jsonify<GoalSummary>;
export type GoalWithTasks = Jsonify<GoalDetail>;
export type Task = GoalWithTasks["subtasks"][number];
export type TaskDetail = Jsonify<Awaited<ReturnType<typeof getSubtask>>>;
export type Attempt = TaskDetail["attempts"][number];
export type Agent = Jsonify<AgentView>;
export type SystemStatus = Jsonify<Awaited<ReturnType<typeof getStatus>>>;
export type Throughput = Jsonify<Awaited<ReturnType<typeof getThroughput>>>;
export type AgentThroughput = Jsonify<Awaited<ReturnType<typeof getAgentThroughput>>>;
export type TensorLabels = Jsonify<Awaited<ReturnType<typeof loadTensorLabels>>>;
export type DecomposePreview = Jsonify<ReturnType<typeof presentCreatedGoal>>;

export interface Tensor {
  rows: number;
  cols: number;
  /** Row-major little-endian Float32: index ((i * cols) + j) * 4 + level. */
  values: Float32Array;
}

/** One entry of the event log as the server pushes it. */
export type { LiveEvent } from "@/lib/realtime/protocol";
