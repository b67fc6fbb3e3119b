// Pure: a Salesforce failure -> one of the connector error codes, and whether trying again can help.
// Two shapes reach us: per-record SaveResult errors from sObject Collections ({ statusCode, message })
// and thrown jsforce errors for a whole request (HttpApiError: { errorCode, name, message }, or a
// network error with a Node `code`). Codes from the REST "Status Codes and Error Responses" guide.
import type { CrmErrorCode } from '../../src/connector.js';
import { AppError, PermanentError } from '../../src/errors.js';

export interface CrmFailure {
  code: CrmErrorCode;
  message: string;
  retryable: boolean;
  retryAfterMs?: number;
}

/** Row-lock and timeout errors clear on their own: Salesforce says to retry them with backoff. */
const transient = new Set([
  'UNABLE_TO_LOCK_ROW',
  'REQUEST_RUNNING_TOO_LONG',
  'QUERY_TIMEOUT',
  'SERVER_UNAVAILABLE',
  'API_TEMPORARILY_UNAVAILABLE',
  // With allOrNone:false this only appears if a caller changes it; the record itself was fine.
  'ALL_OR_NONE_OPERATION_ROLLED_BACK',
]);
const notFound = new Set(['ENTITY_IS_DELETED', 'NOT_FOUND', 'INVALID_ID_FIELD']);
const rateLimited = new Set(['REQUEST_LIMIT_EXCEEDED', 'TOO_MANY_REQUESTS']);
const auth = new Set(['INVALID_SESSION_ID', 'INVALID_AUTH_HEADER', 'invalid_grant', 'invalid_client', 'invalid_client_id', 'API_DISABLED_FOR_ORG']);
const transientNetwork = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EAI_AGAIN', 'EPIPE', 'UND_ERR_SOCKET']);

/** One SaveResult error. Anything unknown is a rejection: retrying a validation rule cannot pass it. */
export function classifyRecordError(statusCode: string, message: string): CrmFailure {
  const text = `${statusCode}: ${message}`;
  if (transient.has(statusCode)) return { code: 'CRM_TEMPORARY', message: text, retryable: true };
  if (rateLimited.has(statusCode)) return { code: 'CRM_RATE_LIMITED', message: text, retryable: true };
  if (notFound.has(statusCode)) return { code: 'CRM_NOT_FOUND', message: text, retryable: false };
  if (auth.has(statusCode)) return { code: 'CRM_AUTH', message: text, retryable: false };
  // FIELD_CUSTOM_VALIDATION_EXCEPTION, INVALID_CROSS_REFERENCE_KEY (owner id unknown), MALFORMED_ID,
  // INSUFFICIENT_ACCESS_OR_READONLY, FIELD_INTEGRITY_EXCEPTION, ... : the data or permissions are wrong.
  return { code: 'CRM_REJECTED', message: text, retryable: false };
}

interface ErrorLike {
  name?: unknown;
  errorCode?: unknown;
  code?: unknown;
  message?: unknown;
}

/** A thrown error for a whole request (query, describe, collections call, token call). */
export function classifyRequestError(err: unknown): CrmFailure {
  const e = (typeof err === 'object' && err !== null ? err : {}) as ErrorLike;
  const message = typeof e.message === 'string' && e.message ? e.message : String(err);
  const errorCode = typeof e.errorCode === 'string' ? e.errorCode : typeof e.name === 'string' ? e.name : '';
  const nodeCode = typeof e.code === 'string' ? e.code : '';

  if (transientNetwork.has(nodeCode)) return { code: 'CRM_TEMPORARY', message: `${nodeCode}: ${message}`, retryable: true };
  // jsforce names errors without a body ERROR_HTTP_<status>.
  const http = /^ERROR_HTTP_(\d{3})$/.exec(errorCode);
  if (http) return classifyStatus(Number(http[1]), message);
  if (/Unable to refresh session/i.test(message)) return { code: 'CRM_AUTH', message, retryable: false };
  if (errorCode) return classifyRecordError(errorCode, message);
  return { code: 'CRM_TEMPORARY', message, retryable: true };
}

export function classifyStatus(status: number, message: string): CrmFailure {
  const text = `HTTP ${status}: ${message}`;
  if (status === 401) return { code: 'CRM_AUTH', message: text, retryable: false };
  if (status === 403 || status === 429) return { code: 'CRM_RATE_LIMITED', message: text, retryable: true };
  if (status === 404) return { code: 'CRM_NOT_FOUND', message: text, retryable: false };
  if (status >= 500 || status === 408) return { code: 'CRM_TEMPORARY', message: text, retryable: true };
  return { code: 'CRM_REJECTED', message: text, retryable: false };
}

/**
 * The AppError a connector call throws. Not retryable -> PermanentError, so queue/ stops retrying.
 * The cause is dropped on purpose: jsforce errors can carry the request (and its Authorization).
 */
export function toAppError(f: CrmFailure): AppError {
  const details = { retryable: f.retryable, ...(f.retryAfterMs !== undefined ? { retryAfterMs: f.retryAfterMs } : {}) };
  if (!f.retryable) return new PermanentError(f.code, f.message, details);
  return new AppError(f.code, f.code === 'CRM_RATE_LIMITED' ? 503 : 502, f.message, details);
}
