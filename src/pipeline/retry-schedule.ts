// When a failed route or owner write is tried again, and when it is given up (docs/failures.md).
// Pure: the clock and the random draw are parameters. The schedule is stored on the row
// (next_attempt_at), so it outlives Redis and restarts; this only computes it.
import { ZodError } from 'zod';
import { errorTable, isAppError, type AppError, type ErrorCode } from '../errors.js';

export interface RetrySchedule {
  /** Delay after the first failure; doubles per failure. */
  baseMs: number;
  /** Longest delay between two tries. */
  maxMs: number;
  /** How long after its first failure a row keeps being retried before it becomes a dead letter. */
  horizonMs: number;
  /** Fraction of the delay added or removed at random, so retries from a burst spread out. */
  jitter: number;
}

export type NextAttempt = { kind: 'retry'; at: Date } | { kind: 'dead' };

/**
 * `failures` counts this failure too (1 after the first). Capped exponential backoff with
 * jitter; a CRM's Retry-After (a rate limit, a daily limit until its reset) is a floor. Nothing is
 * scheduled past the horizon: the last try is at its end, and a failure at or after it is final.
 * `random` is in [0, 1).
 */
export function nextAttempt(
  input: { now: Date; firstFailedAt: Date; failures: number; retryAfterMs?: number | undefined },
  s: RetrySchedule,
  random: number,
): NextAttempt {
  const now = input.now.getTime();
  const deadline = input.firstFailedAt.getTime() + s.horizonMs;
  if (now >= deadline) return { kind: 'dead' };
  const exp = Math.min(s.maxMs, s.baseMs * 2 ** Math.max(0, input.failures - 1));
  const jittered = exp * (1 + s.jitter * (random * 2 - 1));
  const delay = Math.max(0, jittered, input.retryAfterMs ?? 0);
  return { kind: 'retry', at: new Date(Math.min(now + Math.round(delay), deadline)) };
}

/** A failure as the schedule sees it: its code (stored, filterable), whether another try can help, and the CRM's wait. */
export interface Failure {
  code: ErrorCode;
  message: string;
  retryable: boolean;
  retryAfterMs?: number;
}

/**
 * Classifies by type, by the `retryable` flag connectors set (AppError details or the
 * WriteResult) and else by the code's row in src/errors.ts, never by message text or name.
 * Unknown errors (a database hiccup, a bug) are INTERNAL, which the table retries: giving up on
 * a lead is the one outcome worse than trying again.
 */
export function failureOf(err: unknown): Failure {
  if (isAppError(err)) {
    const retryable = err.retryable;
    const retryAfterMs = retryable ? retryAfterOf(err) : undefined;
    return { code: err.code, message: err.message, retryable, ...(retryAfterMs !== undefined && { retryAfterMs }) };
  }
  // A job payload that does not parse will not parse next time either.
  if (err instanceof ZodError)
    return { code: 'VALIDATION_FAILED', message: err.message, retryable: errorTable.VALIDATION_FAILED.retryable };
  return {
    code: 'INTERNAL',
    message: err instanceof Error ? err.message : String(err),
    retryable: errorTable.INTERNAL.retryable,
  };
}

function retryAfterOf(err: AppError): number | undefined {
  const fromDetails = err.details?.retryAfterMs;
  if (typeof fromDetails === 'number' && Number.isFinite(fromDetails) && fromDetails >= 0) return fromDetails;
  const own = (err as { retryAfterMs?: unknown }).retryAfterMs;
  return typeof own === 'number' && Number.isFinite(own) && own >= 0 ? own : undefined;
}
