// One backoff schedule per loop or per pending report (never one shared by all, where
// concurrent failures would multiply each other's waits): exponential from `initialMs`,
// capped at `maxMs`, with ±25% jitter, at least what the server's Retry-After asked (but
// never past the cap), and back to the start on the first success.
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** A number in [0, 1) (tests pass a fixed one). */
  random?: () => number;
}

export class Backoff {
  private currentMs = 0;
  private readonly random: () => number;

  constructor(private readonly options: BackoffOptions) {
    this.random = options.random ?? Math.random;
  }

  /** The next wait: doubles the step (up to the cap), jitters it and honours Retry-After. */
  next(retryAfterMs?: number): number {
    this.currentMs = Math.min(this.options.maxMs, this.currentMs ? this.currentMs * 2 : this.options.initialMs);
    const jittered = Math.round(this.currentMs * (0.75 + this.random() * 0.5));
    return Math.min(Math.max(retryAfterMs ?? 0, jittered), Math.round(this.options.maxMs * 1.25));
  }

  /** The step the next wait is based on (0 after a success). */
  get stepMs(): number {
    return this.currentMs;
  }

  get atCap(): boolean {
    return this.currentMs >= this.options.maxMs;
  }

  reset(): void {
    this.currentMs = 0;
  }
}
