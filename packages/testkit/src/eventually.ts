// Polling for asynchronous outcomes. A probe answers a value when the outcome is there; anything
// falsy (undefined, null, false) means "not yet". Timing out names what was awaited.
export interface EventuallyOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Text appended to the timeout error, e.g. the last state seen. */
  lastSeen?: () => string | Promise<string>;
}

export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  options: EventuallyOptions | number = {},
): Promise<T> {
  const { timeoutMs = 30_000, intervalMs = 100, lastSeen } = typeof options === 'number' ? { timeoutMs: options } : options;
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastSeen ? `; ${await lastSeen()}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** The name the dispatch tests used: `waitFor(what, probe, timeoutMs)`. */
export const waitFor = eventually;
