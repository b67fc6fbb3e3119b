export interface RetrySchedule {
  baseMs: number;
  maxMs: number;
  /** Fraction of the delay added or removed at random, so retries from a burst spread out. */
  jitter: number;
}

/**
 * Pure: exponential backoff from the schedule. A CRM's Retry-After is honoured but clamped to
 * [delay, 2 x delay] so one bad header cannot park a job for hours. `random` is in [0, 1).
 */
export function retryDelayMs(
  attempt: number,
  retryAfterMs: number | undefined,
  s: RetrySchedule,
  random: number,
): number {
  const exp = Math.min(s.maxMs, s.baseMs * 2 ** Math.max(0, attempt - 1));
  const wanted = retryAfterMs === undefined ? exp : Math.min(Math.max(retryAfterMs, exp), 2 * exp);
  const spread = wanted * s.jitter * (random * 2 - 1);
  return Math.max(0, Math.round(wanted + spread));
}
