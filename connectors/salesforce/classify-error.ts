// Pure: a Salesforce failure -> one of the connector error codes, and whether trying again can help.
// Two shapes reach us: per-record SaveResult errors from sObject Collections ({ statusCode, message })
// and thrown errors for a whole request (jsforce's HttpApiError { errorCode, message } with the
// HTTP status our transport saw, a token-endpoint error named after its OAuth `error`, or a
// network/timeout error with a Node `code`). Codes from the REST "Status Codes and Error Responses"
// guide. The status decides first: a 5xx or 408 is the platform failing, retried whatever errorCode
// the body carries (a 500 says UNKNOWN_EXCEPTION, which is not about the record); 429 and
// REQUEST_LIMIT_EXCEEDED wait for the limit; 401/403 and refused grants are credentials, which an
// operator fixes (retryable, never retried inside the call). Only a definitive refusal of this
// record or request (INVALID_FIELD, a validation rule, an invalid owner, a deleted record) is
// permanent, and its message keeps Salesforce's reason.
import type { CrmErrorCode } from '../../src/connector.js';
import { errors, type AppError } from '../../src/errors.js';
import { CrmTimeoutError } from '../http/index.js';

export interface CrmFailure {
  code: CrmErrorCode;
  message: string;
  retryable: boolean;
  retryAfterMs?: number;
}

export interface ClassifyOptions {
  /** Wait after REQUEST_LIMIT_EXCEEDED (config.requestLimitWaitMs). */
  requestLimitWaitMs: number;
  /** For Retry-After given as an HTTP-date. */
  nowMs: number;
}

const defaults: ClassifyOptions = { requestLimitWaitMs: 900_000, nowMs: 0 };

/** Row-lock and timeout errors clear on their own: Salesforce says to retry them with backoff. */
const transient = new Set([
  'UNABLE_TO_LOCK_ROW',
  'REQUEST_RUNNING_TOO_LONG',
  'QUERY_TIMEOUT',
  'SERVER_UNAVAILABLE',
  'API_TEMPORARILY_UNAVAILABLE',
  'UNKNOWN_EXCEPTION',
  // With allOrNone:false this only appears if a caller changes it; the record itself was fine.
  'ALL_OR_NONE_OPERATION_ROLLED_BACK',
]);
const notFound = new Set(['ENTITY_IS_DELETED', 'NOT_FOUND', 'INVALID_ID_FIELD']);
const rateLimited = new Set(['REQUEST_LIMIT_EXCEEDED', 'TOO_MANY_REQUESTS']);
const auth = new Set([
  'INVALID_SESSION_ID',
  'INVALID_AUTH_HEADER',
  'API_DISABLED_FOR_ORG',
  'API_CURRENTLY_DISABLED',
  // OAuth token endpoint `error` values (RFC 6749 5.2 and Salesforce's additions).
  'invalid_grant',
  'invalid_client',
  'invalid_client_id',
  'unauthorized_client',
  'inactive_user',
  'inactive_org',
]);
const transientNetwork = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
]);

/** One SaveResult error (or a whole request's errorCode when its status said nothing decisive). */
export function classifyRecordError(
  statusCode: string,
  message: string,
  opts: Pick<ClassifyOptions, 'requestLimitWaitMs'> = defaults,
): CrmFailure {
  const text = `${statusCode}: ${message}`;
  if (transient.has(statusCode)) return { code: 'CRM_TEMPORARY', message: text, retryable: true };
  if (statusCode === 'REQUEST_LIMIT_EXCEEDED')
    return { code: 'CRM_RATE_LIMITED', message: text, retryable: true, retryAfterMs: opts.requestLimitWaitMs };
  if (rateLimited.has(statusCode)) return { code: 'CRM_RATE_LIMITED', message: text, retryable: true };
  if (notFound.has(statusCode)) return { code: 'CRM_NOT_FOUND', message: text, retryable: false };
  if (auth.has(statusCode)) return { code: 'CRM_AUTH', message: text, retryable: true };
  // INVALID_FIELD (no such column), FIELD_CUSTOM_VALIDATION_EXCEPTION, INVALID_CROSS_REFERENCE_KEY
  // and INACTIVE_OWNER_OR_USER (owner id not an active user/queue), MALFORMED_ID,
  // INSUFFICIENT_ACCESS_OR_READONLY, FIELD_INTEGRITY_EXCEPTION ... : the data or permissions are
  // wrong, and sending the same write again cannot pass.
  return { code: 'CRM_REJECTED', message: text, retryable: false };
}

interface ErrorLike {
  name?: unknown;
  errorCode?: unknown;
  code?: unknown;
  message?: unknown;
}

/** What the transport saw of the answer that failed (absent for network errors and timeouts). */
export interface SeenAnswer {
  status?: number;
  headers?: Record<string, string>;
}

/** A thrown error for a whole request (query, describe, collections call, token call). */
export function classifyRequestError(
  err: unknown,
  seen: SeenAnswer = {},
  opts: ClassifyOptions = defaults,
): CrmFailure {
  const e = (typeof err === 'object' && err !== null ? err : {}) as ErrorLike;
  const message = typeof e.message === 'string' && e.message ? e.message : String(err);
  const errorCode =
    typeof e.errorCode === 'string' ? e.errorCode : typeof e.name === 'string' && e.name !== 'Error' ? e.name : '';
  const nodeCode = typeof e.code === 'string' ? e.code : '';

  if (err instanceof CrmTimeoutError) return { code: 'CRM_TEMPORARY', message: `timeout: ${message}`, retryable: true };
  if (transientNetwork.has(nodeCode))
    return { code: 'CRM_TEMPORARY', message: `${nodeCode}: ${message}`, retryable: true };
  // jsforce's session refresh failed (the token endpoint refused the grant, e.g. a revoked refresh
  // token): the last answer seen is the token endpoint's 400, which must not read as a rejected record.
  if (
    /Unable to refresh session/i.test(message) &&
    !(seen.status !== undefined && (seen.status >= 500 || seen.status === 408 || seen.status === 429))
  ) {
    return { code: 'CRM_AUTH', message, retryable: true };
  }
  // jsforce names errors without a body ERROR_HTTP_<status>.
  const http = /^ERROR_HTTP_(\d{3})$/.exec(errorCode);
  const status = seen.status !== undefined && seen.status >= 400 ? seen.status : http ? Number(http[1]) : undefined;
  if (status !== undefined)
    return classifyStatus(
      status,
      http ? message : `${errorCode ? `${errorCode}: ` : ''}${message}`,
      errorCode,
      seen.headers,
      opts,
    );
  if (errorCode) return classifyRecordError(errorCode, message, opts);
  return { code: 'CRM_TEMPORARY', message, retryable: true };
}

/** A failed HTTP answer: the status first, the body's errorCode only where the status leaves it open. */
export function classifyStatus(
  status: number,
  message: string,
  errorCode = '',
  headers: Record<string, string> = {},
  opts: ClassifyOptions = defaults,
): CrmFailure {
  const text = `HTTP ${status}: ${message}`;
  const retryAfterMs = parseRetryAfter(headers['retry-after'], opts.nowMs);
  const after = retryAfterMs !== undefined ? { retryAfterMs } : {};
  if (status >= 500 || status === 408) return { code: 'CRM_TEMPORARY', message: text, retryable: true, ...after };
  // REQUEST_LIMIT_EXCEEDED comes as a 403: the org's rolling 24-hour allowance is spent.
  if (errorCode === 'REQUEST_LIMIT_EXCEEDED')
    return {
      code: 'CRM_RATE_LIMITED',
      message: text,
      retryable: true,
      retryAfterMs: retryAfterMs ?? opts.requestLimitWaitMs,
    };
  if (status === 429)
    return { code: 'CRM_RATE_LIMITED', message: text, retryable: true, retryAfterMs: retryAfterMs ?? 1_000 };
  if (status === 401 || status === 403 || auth.has(errorCode))
    return { code: 'CRM_AUTH', message: text, retryable: true };
  if (status === 404 && !errorCode) return { code: 'CRM_NOT_FOUND', message: text, retryable: false };
  if (errorCode) {
    const f = classifyRecordError(errorCode, message, opts);
    return { ...f, message: text };
  }
  if (status === 404) return { code: 'CRM_NOT_FOUND', message: text, retryable: false };
  return { code: 'CRM_REJECTED', message: text, retryable: false };
}

/** Retry-After is either delta-seconds or an HTTP-date (RFC 9110 10.2.3). */
function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/**
 * The AppError a connector call throws: status and PermanentError-or-not from the code's row in src/errors.ts.
 * The cause is dropped on purpose: jsforce errors can carry the request (and its Authorization).
 */
export function toAppError(f: CrmFailure): AppError {
  const details = { retryable: f.retryable, ...(f.retryAfterMs !== undefined ? { retryAfterMs: f.retryAfterMs } : {}) };
  return errors.crm(f.code, f.message, details);
}
