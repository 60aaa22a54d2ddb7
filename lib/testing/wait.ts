// Bounded polling for tests: wait until a condition holds (or time out with the last
// value seen), instead of sleeping and asserting on timing.
export async function waitFor<T>(
  probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  options: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      const seen = last instanceof Error ? last.message : JSON.stringify(last)?.slice(0, 500);
      throw new Error(`timed out waiting for ${options.what ?? "a condition"} (last: ${seen})`);
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 100));
  }
}
