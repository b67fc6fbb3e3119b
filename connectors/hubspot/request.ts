// Every SDK call goes through here: take a token from the portal's bucket, call, and on failure
// classify. 429 -> pause the whole bucket for Retry-After (or the policy's window); 5xx/network ->
// pause with exponential backoff and jitter; 401 with OAuth -> refresh once and retry; anything
// else, or retries exhausted, or a wait longer than maxRetryWaitMs -> throw an AppError whose
// details say { retryable, retryAfterMs }, so the queue can reschedule instead of us sleeping.
// Non-retryable failures are PermanentError (the queue maps it to "do not retry").
import { errors, type AppError } from '../../src/errors.js';
import type { TokenProvider } from './auth.js';
import { classifyError, type CrmFailure } from './classify-error.js';
import type { Clock, TokenBucket } from './rate-limit.js';
import { redact, type Secret } from './secret.js';

export interface RunnerOptions {
  bucket: TokenBucket;
  tokens: TokenProvider;
  clock: Clock;
  /** [0, 1); jitter source, injectable for deterministic tests. */
  random: () => number;
  /** Config secrets beyond the token provider's (e.g. the webhook client secret). */
  secrets: readonly Secret[];
  maxRetries: number;
  retryBaseDelayMs: number;
  maxRetryWaitMs: number;
  /** The portal's time zone, for the DAILY limit's reset. */
  timeZone: string;
}

/** `background`: the account mirror's reads, which wait behind owner writes (rate-limit.ts). */
export type CallHubSpot = <T>(what: string, fn: () => Promise<T>, opts?: { background?: boolean }) => Promise<T>;

export function createRequestRunner(opts: RunnerOptions): CallHubSpot {
  return async <T>(what: string, fn: () => Promise<T>, callOpts: { background?: boolean } = {}): Promise<T> => {
    let refreshedAfter401 = false;
    for (let attempt = 0; ; attempt++) {
      const spentAt = await opts.bucket.acquire(callOpts);
      try {
        return await fn();
      } catch (e) {
        const f = classifyError(e, opts.clock.now(), { timeZone: opts.timeZone });
        if (f.code === 'CRM_AUTH' && f.status === 401 && !refreshedAfter401 && opts.tokens.invalidate()) {
          refreshedAfter401 = true;
          attempt--; // the refresh is not a retry of HubSpot's failure
          continue;
        }
        // CRM_AUTH is retryable for the durable layer (an operator fixes the credentials), but
        // hammering HubSpot with a refused token inside this call fixes nothing.
        if (!f.retryable || f.code === 'CRM_AUTH' || attempt >= opts.maxRetries)
          throw toAppError(what, f, [...opts.secrets, ...opts.tokens.secrets()]);
        const waitMs = f.retryAfterMs ?? backoffMs(attempt, opts);
        if (waitMs > opts.maxRetryWaitMs)
          throw toAppError(what, { ...f, retryAfterMs: waitMs }, [...opts.secrets, ...opts.tokens.secrets()]);
        // Pausing the bucket (not just this call) makes concurrent callers wait too: the portal's
        // window is spent (429) or HubSpot is struggling (5xx) for everyone.
        opts.bucket.pauseFor(waitMs);
      } finally {
        opts.bucket.settle(spentAt);
      }
    }
  };
}

/** base x 2^attempt, +-20 % jitter so parallel workers do not retry in lockstep. */
export function backoffMs(attempt: number, opts: Pick<RunnerOptions, 'retryBaseDelayMs' | 'random'>): number {
  const raw = opts.retryBaseDelayMs * 2 ** attempt;
  return Math.round(raw * (0.8 + 0.4 * opts.random()));
}

export function toAppError(what: string, f: CrmFailure, secrets: readonly Secret[]): AppError {
  const message = redact(`${what}: ${f.message}`, secrets);
  const details = {
    retryable: f.retryable,
    ...(f.retryAfterMs !== undefined && { retryAfterMs: f.retryAfterMs }),
    ...(f.status !== undefined && { hubspotStatus: f.status }),
    ...(f.category !== undefined && { category: f.category }),
    ...(f.correlationId !== undefined && { correlationId: f.correlationId }),
  };
  // The SDK error is deliberately not attached as `cause`: its message embeds response headers
  // and bodies, which a logger would print verbatim.
  return errors.crm(f.code, message, details);
}
