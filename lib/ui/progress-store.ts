// The browser's store of live progress reports (issue 9), apart from the query cache so
// that a report re-renders only the node and the panel of its task, never the whole goal.
// Fed by the socket's `progress` channel (lib/ui/live-events.tsx); pure reducer below.
import type { ProgressPush } from "@/lib/realtime/protocol";

/** How many output characters the store keeps per task for the live tail (the server keeps 256 KiB per attempt). */
export const TAIL_CHARS = 64 * 1024;

export interface LiveProgress {
  attempt: number;
  progress: number | null;
  message: string | null;
  usage: ProgressPush["usage"];
  /** Output chunks of this attempt as they arrived, each with the attempt's byte count after it. */
  chunks: Array<{ text: string; endBytes: number }>;
  /** A push carried only the tail of its chunk: the tail here has a hole; refetch the stored output. */
  gap: boolean;
  outputBytes: number;
}

/** The task's state after one push (a push of an older attempt is ignored; a newer one starts afresh). */
export function applyPush(before: LiveProgress | undefined, push: ProgressPush): LiveProgress {
  if (before && push.attempt < before.attempt) return before;
  const fresh = !before || push.attempt > before.attempt;
  const chunks = fresh ? [] : before.chunks.slice();
  if (push.output) chunks.push({ text: push.output, endBytes: push.output_bytes });
  let chars = chunks.reduce((n, c) => n + c.text.length, 0);
  while (chunks.length > 1 && chars > TAIL_CHARS) chars -= chunks.shift()!.text.length;
  return {
    attempt: push.attempt,
    progress: push.progress,
    message: push.message,
    usage: push.usage,
    chunks,
    gap: (fresh ? false : before.gap) || push.output_truncated,
    outputBytes: push.output_bytes,
  };
}

/** The live tail after a stored copy holding `storedBytes` bytes: only chunks it does not hold yet. */
export function chunksAfter(live: LiveProgress | undefined, attempt: number, storedBytes: number): string {
  if (!live || live.attempt !== attempt) return "";
  return live.chunks
    .filter((c) => c.endBytes > storedBytes)
    .map((c) => c.text)
    .join("");
}

type Listener = () => void;

export class ProgressStore {
  private state = new Map<string, LiveProgress>();
  private listeners = new Map<string, Set<Listener>>();

  apply(pushes: ProgressPush[]): void {
    const touched = new Set<string>();
    for (const push of pushes) {
      const next = applyPush(this.state.get(push.subtask_id), push);
      if (next !== this.state.get(push.subtask_id)) {
        this.state.set(push.subtask_id, next);
        touched.add(push.subtask_id);
      }
    }
    for (const id of touched) for (const l of this.listeners.get(id) ?? []) l();
  }

  get(subtaskId: string): LiveProgress | undefined {
    return this.state.get(subtaskId);
  }

  subscribe(subtaskId: string, listener: Listener): () => void {
    const set = this.listeners.get(subtaskId) ?? new Set();
    set.add(listener);
    this.listeners.set(subtaskId, set);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(subtaskId);
    };
  }
}

const holder = globalThis as unknown as { __switchyardProgressStore?: ProgressStore };
export function progressStore(): ProgressStore {
  return (holder.__switchyardProgressStore ??= new ProgressStore());
}
