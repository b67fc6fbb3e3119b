// What every REST-calling module shares: the session, the API budget, and one place where a
// thrown jsforce error becomes a classified, secret-free failure.
import type { Connection } from 'jsforce';
import { isAppError } from '../../src/errors.js';
import type { SalesforceConfig } from './config.js';
import type { Session } from './auth.js';
import type { RequestBudget } from './limits.js';
import { classifyRequestError, toAppError, type CrmFailure, type SeenAnswer } from './classify-error.js';
import { scrubSecrets, type Secret } from './secret.js';
import { recordingAnswers } from './transport.js';

/** pino-compatible subset; the connector logs codes and counts, never payloads or headers. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface ApiContext {
  config: SalesforceConfig;
  session: Session;
  budget: RequestBudget;
  /** Every secret to scrub right now: the config's, plus every token the session has obtained. */
  secrets: () => readonly Secret[];
  logger?: Logger | undefined;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  /** [0, 1); injected so retry jitter is reproducible in tests. */
  random: () => number;
}

/** A thrown error -> CrmFailure with the operation named and every known secret scrubbed. */
export function failureOf(ctx: ApiContext, what: string, err: unknown, seen: SeenAnswer = {}): CrmFailure {
  if (isAppError(err) && err.code.startsWith('CRM_')) {
    const retryable = err.details?.['retryable'] === true;
    const retryAfterMs = err.details?.['retryAfterMs'];
    return {
      code: err.code as CrmFailure['code'],
      message: scrubSecrets(err.message, ctx.secrets()),
      retryable,
      ...(typeof retryAfterMs === 'number' ? { retryAfterMs } : {}),
    };
  }
  const f = classifyRequestError(err, seen, {
    requestLimitWaitMs: ctx.config.requestLimitWaitMs,
    nowMs: ctx.now().getTime(),
  });
  return { ...f, message: scrubSecrets(`${what}: ${f.message}`, ctx.secrets()) };
}

/**
 * Runs one REST call: session, budget, limit reporting. A retryable failure (5xx, timeout, reset,
 * a short rate limit) is retried here with backoff, up to `retries` (default config.maxRetries),
 * while the wait stays within config.maxRetryWaitMs; credentials (CRM_AUTH) are never retried
 * here. Anything else throws a classified AppError whose details say { retryable, retryAfterMs }.
 */
export async function callApi<T>(
  ctx: ApiContext,
  what: string,
  fn: (conn: Connection) => Promise<T>,
  opts: { retries?: number; background?: boolean } = {},
): Promise<T> {
  const retries = opts.retries ?? ctx.config.maxRetries;
  for (let attempt = 0; ; attempt++) {
    const seen: SeenAnswer = {};
    try {
      return await recordingAnswers(seen, async () => {
        const conn = await ctx.session.ensure();
        return await ctx.budget.run(
          () => fn(conn),
          () => conn.limitInfo?.apiUsage,
          { background: opts.background === true },
        );
      });
    } catch (err) {
      const f = failureOf(ctx, what, err, seen);
      const waitMs = backoffMs(ctx, attempt, f.retryAfterMs);
      if (f.retryable && f.code !== 'CRM_AUTH' && attempt < retries && waitMs <= ctx.config.maxRetryWaitMs) {
        ctx.logger?.info({ code: f.code, op: what, attempt: attempt + 1, waitMs }, 'retrying a failed Salesforce call');
        await ctx.sleep(waitMs);
        continue;
      }
      ctx.logger?.warn({ code: f.code, retryable: f.retryable, op: what }, f.message);
      throw toAppError(f);
    }
  }
}

/** Exponential backoff with +-20% jitter: base, 2x base, 4x base ... (at least Retry-After). */
export function backoffMs(ctx: Pick<ApiContext, 'config' | 'random'>, attempt: number, retryAfterMs?: number): number {
  const base = ctx.config.retryBaseDelayMs * 2 ** attempt;
  if (retryAfterMs !== undefined && retryAfterMs >= base) return retryAfterMs;
  return Math.round(base * (0.8 + 0.4 * ctx.random()));
}
