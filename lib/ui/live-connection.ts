// Whether the live socket is connected (a tiny external store): queries poll slowly
// while it is, and faster while it is not.
type Listener = () => void;

let connected = false;
const listeners = new Set<Listener>();

export function isLiveConnected(): boolean {
  return connected;
}

export function setLiveConnected(value: boolean): void {
  if (value === connected) return;
  connected = value;
  for (const listener of listeners) listener();
}

export function subscribeLiveConnection(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Fallback polling interval: slow while live events flow, faster while they do not. */
export function fallbackInterval(): number {
  return connected ? 60_000 : 10_000;
}
