// Exponential backoff with full jitter, capped: the delay before retry number `failures`.

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  /** A number in [0, 1); Math.random by default. */
  random?: () => number;
}

/** Delay after the n-th failure (n ≥ 1): base·2^(n-1), capped, then jittered into [½, 1] of it. */
export function retryDelayMs(failures: number, { baseMs, maxMs, random = Math.random }: BackoffOptions): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.max(0, failures - 1));
  return Math.round(exponential / 2 + random() * (exponential / 2));
}
