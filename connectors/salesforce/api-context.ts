// What every REST-calling module shares: the session, the API budget, and one place where a
// thrown jsforce error becomes a classified, secret-free failure.
import type { Connection } from 'jsforce';
import { isAppError } from '../../src/errors.js';
import type { SalesforceConfig } from './config.js';
import type { Session } from './auth.js';
import type { RequestBudget } from './limits.js';
import { classifyRequestError, toAppError, type CrmFailure } from './classify-error.js';
import { scrubSecrets, type Secret } from './secret.js';

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
  secrets: readonly Secret[];
  logger?: Logger;
  sleep: (ms: number) => Promise<void>;
  /** [0, 1); injected so retry jitter is reproducible in tests. */
  random: () => number;
}

/** A thrown error -> CrmFailure with the operation named and every configured secret scrubbed. */
export function failureOf(ctx: ApiContext, what: string, err: unknown): CrmFailure {
  if (isAppError(err) && err.code.startsWith('CRM_')) {
    const retryable = err.details?.['retryable'] === true;
    const retryAfterMs = err.details?.['retryAfterMs'];
    return {
      code: err.code as CrmFailure['code'],
      message: err.message,
      retryable,
      ...(typeof retryAfterMs === 'number' ? { retryAfterMs } : {}),
    };
  }
  const f = classifyRequestError(err);
  return { ...f, message: scrubSecrets(`${what}: ${f.message}`, ctx.secrets) };
}

/** Runs one REST call: session, budget, limit reporting; throws a classified AppError on failure. */
export async function callApi<T>(ctx: ApiContext, what: string, fn: (conn: Connection) => Promise<T>): Promise<T> {
  try {
    const conn = await ctx.session.ensure();
    return await ctx.budget.run(
      () => fn(conn),
      () => conn.limitInfo?.apiUsage,
    );
  } catch (err) {
    const f = failureOf(ctx, what, err);
    ctx.logger?.warn({ code: f.code, retryable: f.retryable, op: what }, f.message);
    throw toAppError(f);
  }
}

/** Exponential backoff with +-20% jitter: base, 2x base, 4x base ... */
export function backoffMs(ctx: ApiContext, attempt: number, retryAfterMs?: number): number {
  const base = ctx.config.retryBaseDelayMs * 2 ** attempt;
  const wanted = retryAfterMs !== undefined ? Math.max(base, retryAfterMs) : base;
  return Math.round(wanted * (0.8 + 0.4 * ctx.random()));
}
