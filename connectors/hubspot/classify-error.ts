// SDK error -> { code, retryable, retryAfterMs }, pure (the clock is a parameter, for HTTP-date
// Retry-After values and the daily reset). The SDK throws an ApiException per generated module
// (one class each), so this duck-types { code: status, body, headers } instead of using instanceof.
// The status decides first: 5xx, 408 and 423 are HubSpot failing, retried whatever the body says;
// 429 waits for the limit named by the body (DAILY: until midnight in the portal's time zone);
// 401/403 are our credentials, which an operator must fix: retryable (the rows wait), never
// retried inside the call; a timeout or network error is retryable. Only the rest (400, 404, 409:
// a refusal of this very request) is permanent, with HubSpot's reason in the message.
// The message is built from HubSpot's own `message`/`category` only: never the SDK's message,
// which embeds every response header, and never anything from the request (it carries the token).
import type { CrmErrorCode } from '../../src/connector.js';
import { isAppError } from '../../src/errors.js';
import { CrmTimeoutError } from '../http/index.js';

export interface CrmFailure {
  code: CrmErrorCode;
  retryable: boolean;
  retryAfterMs?: number;
  message: string;
  status?: number;
  category?: string;
  correlationId?: string;
}

interface HubSpotErrorBody {
  message?: unknown;
  category?: unknown;
  policyName?: unknown;
  correlationId?: unknown;
}

const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

export interface ClassifyOptions {
  /** IANA zone of the portal; the DAILY limit resets at its midnight. Default UTC. */
  timeZone?: string;
}

export function classifyError(err: unknown, nowMs: number, opts: ClassifyOptions = {}): CrmFailure {
  if (isAppError(err) && isCrmCode(err.code)) {
    const retryAfterMs = typeof err.details?.retryAfterMs === 'number' ? err.details.retryAfterMs : undefined;
    return {
      code: err.code,
      retryable: err.details?.retryable === true,
      message: err.message,
      ...(retryAfterMs !== undefined && { retryAfterMs }),
    };
  }
  const status = httpStatus(err);
  if (status === undefined) {
    if (isNetworkError(err)) {
      const detail = err instanceof CrmTimeoutError ? err.message : (networkCode(err) ?? 'network error');
      return { code: 'CRM_TEMPORARY', retryable: true, message: `HubSpot unreachable (${detail})` };
    }
    // Not an HTTP or network failure: most likely our bug. Do not retry it blindly.
    return {
      code: 'CRM_REJECTED',
      retryable: false,
      message: `unexpected error calling HubSpot: ${err instanceof Error ? err.name : typeof err}`,
    };
  }
  const rec = err as { body?: unknown; headers?: Record<string, string> };
  const body: HubSpotErrorBody =
    typeof rec.body === 'object' && rec.body !== null ? (rec.body as HubSpotErrorBody) : {};
  const headers = lowerKeys(rec.headers);
  const category = typeof body.category === 'string' ? body.category : undefined;
  const correlationId = typeof body.correlationId === 'string' ? body.correlationId : undefined;
  // Not shortened here: callers redact secrets first and shorten after (see secret.ts redact).
  const text =
    typeof body.message === 'string'
      ? body.message
      : typeof rec.body === 'string'
        ? `non-JSON body of ${rec.body.length} chars`
        : 'no message';
  const base = {
    status,
    message: `HubSpot answered ${status}${category ? ` ${category}` : ''}: ${text}`,
    ...(category && { category }),
    ...(correlationId && { correlationId }),
  };

  // 408 timeout, 423 Locked (HubSpot: concurrent writes to one record), 5xx: worth another try.
  if (status === 408 || status === 423 || status >= 500) {
    const retryAfterMs = parseRetryAfter(headers['retry-after'], nowMs);
    return { ...base, code: 'CRM_TEMPORARY', retryable: true, ...(retryAfterMs !== undefined && { retryAfterMs }) };
  }
  if (status === 429)
    return {
      ...base,
      code: 'CRM_RATE_LIMITED',
      retryable: true,
      retryAfterMs: rateLimitWaitMs(body, headers, nowMs, opts.timeZone ?? 'UTC'),
    };
  // Revoked, expired past refresh, or missing scopes: nothing a retry in this call fixes, but an
  // operator can, and the work must wait for that rather than die. No retryAfterMs: the durable
  // layer backs off on its own schedule.
  if (status === 401 || status === 403) return { ...base, code: 'CRM_AUTH', retryable: true };
  if (status === 404) return { ...base, code: 'CRM_NOT_FOUND', retryable: false };
  return { ...base, code: 'CRM_REJECTED', retryable: false };
}

/** One entry of a 207 `errors[]` (StandardError) -> failure for the records it names. */
export function classifyBatchError(e: { category?: string; message?: string }): CrmFailure {
  const category = e.category ?? 'UNKNOWN';
  const message = `HubSpot ${category}: ${e.message ?? 'no message'}`;
  if (category === 'OBJECT_NOT_FOUND') return { code: 'CRM_NOT_FOUND', retryable: false, message, category };
  if (category === 'RATE_LIMITS') return { code: 'CRM_RATE_LIMITED', retryable: true, message, category };
  if (category === 'VALIDATION_ERROR' || category.startsWith('INVALID') || category === 'CONFLICT') {
    return { code: 'CRM_REJECTED', retryable: false, message, category };
  }
  // Unknown per-record categories are retried (bounded by maxRetries) rather than dropped.
  return { code: 'CRM_TEMPORARY', retryable: true, message, category };
}

function rateLimitWaitMs(
  body: HubSpotErrorBody,
  headers: Record<string, string>,
  nowMs: number,
  timeZone: string,
): number {
  const retryAfter = parseRetryAfter(headers['retry-after'], nowMs);
  if (retryAfter !== undefined) return retryAfter;
  const policy = typeof body.policyName === 'string' ? body.policyName : '';
  // The daily limit resets at midnight in the portal's time zone (HubSpot's usage-details doc).
  if (policy === 'DAILY') return msUntilMidnight(nowMs, timeZone);
  const intervalMs = Number(headers['x-hubspot-ratelimit-interval-milliseconds']);
  if (Number.isFinite(intervalMs) && intervalMs > 0) return intervalMs;
  if (policy === 'TEN_SECONDLY_ROLLING') return 10_000;
  return 1_000;
}

/**
 * Milliseconds from `nowMs` to the next midnight in `timeZone`. Computed from the local wall-clock
 * time, so on a day with a DST change it is off by the change (an hour): close enough for a wait
 * that is handed to the durable retry layer anyway.
 */
export function msUntilMidnight(nowMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hourCycle: 'h23',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(nowMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const sinceMidnightMs =
    ((get('hour') * 60 + get('minute')) * 60 + get('second')) * 1000 + (((nowMs % 1000) + 1000) % 1000);
  return 86_400_000 - sinceMidnightMs;
}

/** Retry-After is either delta-seconds or an HTTP-date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

function httpStatus(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' && code >= 100 && code < 600 ? code : undefined;
}

function isNetworkError(err: unknown): boolean {
  const code = networkCode(err);
  if (err instanceof CrmTimeoutError) return true;
  if (code !== undefined && networkCodes.has(code)) return true;
  // undici's fetch wraps the socket error: TypeError('fetch failed', { cause }).
  return err instanceof TypeError && err.message === 'fetch failed';
}

function networkCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | null;
  if (typeof e?.code === 'string') return e.code;
  if (typeof e?.cause?.code === 'string') return e.cause.code;
  return undefined;
}

function lowerKeys(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) out[k.toLowerCase()] = String(v);
  return out;
}

function isCrmCode(code: string): code is CrmErrorCode {
  return (
    code === 'CRM_RATE_LIMITED' ||
    code === 'CRM_AUTH' ||
    code === 'CRM_TEMPORARY' ||
    code === 'CRM_REJECTED' ||
    code === 'CRM_NOT_FOUND'
  );
}
