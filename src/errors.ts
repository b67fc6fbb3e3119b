// The one catalogue of error codes. A code is stable: clients and dashboards key on it.
// Every code here is listed in docs/errors.md (a unit test keeps the two in step).

/** What the catalogue says of each code: the HTTP status it answers, whether a later try of the same work can succeed, and its line in docs/errors.md. */
export interface ErrorSpec {
  status: number;
  /** Whether the queue tries the work again (docs/failures.md). A connector may say so per error in `details.retryable`. */
  retryable: boolean;
  /** The meaning column of docs/errors.md, verbatim (test/unit/errors-catalogue.test.ts compares them). */
  doc: string;
}

/**
 * The one table of codes. Status, retry policy and documentation come from here and nowhere else:
 * an AppError's status is its code's, and retry decisions read `retryable` (never a name or a code compare).
 */
export const errorTable = {
  VALIDATION_FAILED: {
    status: 400,
    retryable: false,
    doc: "the request body, query or params failed validation, or hold a string Postgres cannot store (a NUL, a lone UTF-16 surrogate) or nesting past 64 levels; `errors[]` names each bad field's path. Also the SOAP Client fault for a malformed or hostile outbound message, and a job payload that does not parse",
  },
  BODY_TOO_LARGE: { status: 413, retryable: false, doc: 'the body is over the configured limit (`BODY_LIMIT_BYTES`)' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, retryable: false, doc: 'the content type is not one the route accepts' },
  MALFORMED_JSON: { status: 400, retryable: false, doc: 'the body is not parseable JSON' },
  UNAUTHORIZED: { status: 401, retryable: false, doc: 'missing or wrong API key / admin token' },
  FORBIDDEN: { status: 403, retryable: false, doc: 'the token is valid but its role may not do this' },
  ORIGIN_NOT_ALLOWED: {
    status: 403,
    retryable: false,
    doc: "a web form was posted (or preflighted) from a page whose origin is not in its source's `allowedOrigins` (docs/web-forms.md)",
  },
  BULK_FILTER_INVALID: {
    status: 400,
    retryable: false,
    doc: "a reroute's `--where` filter (or the API's `where`) does not parse; the message quotes the bad part and its column, and lists the fields and operators (docs/bulk.md)",
  },
  NOT_FOUND: { status: 404, retryable: false, doc: 'the thing asked for does not exist' },
  CONFLICT: { status: 409, retryable: false, doc: 'the request conflicts with the current state' },
  SIGNATURE_MISSING: { status: 401, retryable: false, doc: 'a CRM webhook arrived without its signature header' },
  SIGNATURE_INVALID: { status: 401, retryable: false, doc: "a CRM webhook's signature does not match its body" },
  SIGNATURE_STALE: { status: 401, retryable: false, doc: "a CRM webhook's timestamp is older than the allowed window" },
  CONFIG_INVALID: {
    status: 422,
    retryable: false,
    doc: 'a routing/mapping config failed validation; `errors[]` has each path',
  },
  CONFIG_REFERENCE_MISSING: {
    status: 422,
    retryable: false,
    doc: 'a config names a pool, rep or field that does not exist',
  },
  CONFIG_NOT_FOUND: { status: 404, retryable: false, doc: 'the config version asked for does not exist' },
  MAPPING_FAILED: {
    status: 422,
    retryable: false,
    doc: 'a CRM record could not be mapped into a lead (permanent, not retried)',
  },
  // 503, not 429: the limit is the CRM's, shared by the whole deployment, not something the caller
  // sent too much of; a 5xx is logged as our upstream's trouble, and it carries Retry-After.
  CRM_RATE_LIMITED: {
    status: 503,
    retryable: true,
    doc: "the CRM said slow down; retried after its Retry-After. An API call that needed the CRM answers 503 with `Retry-After` (the CRM's wait): the limit is the CRM's, not the caller's",
  },
  CRM_AUTH: {
    status: 502,
    retryable: true,
    doc: 'the CRM refused our credentials (after one refresh); not retried inside the call, but retryable later: the work waits for an operator to fix them, for up to the retry horizon (docs/failures.md)',
  },
  CRM_TEMPORARY: {
    status: 502,
    retryable: true,
    doc: 'the CRM failed in a way worth retrying (5xx whatever its body, lock, timeout, reset)',
  },
  CRM_REJECTED: {
    status: 422,
    retryable: false,
    doc: 'the CRM rejected the write (validation rule, bad owner); not retried',
  },
  CRM_NOT_FOUND: { status: 404, retryable: false, doc: 'the record no longer exists in the CRM; not retried' },
  CONNECTOR_NOT_CONFIGURED: {
    status: 404,
    retryable: false,
    doc: 'a webhook arrived for a CRM this deployment has not configured; work already stored for it waits for an operator to configure it and replay',
  },
  NOTIFY_TEMPORARY: {
    status: 502,
    retryable: true,
    doc: 'a notification channel (Slack, SMTP, a webhook receiver) failed in a way worth retrying (5xx, 429, timeout, reset, Slack `ratelimited`); the notification is retried on its own schedule, never holding routing or the owner write',
  },
  NOTIFY_REJECTED: {
    status: 422,
    retryable: false,
    doc: 'a notification channel refused the message for good (Slack `users_not_found` or `channel_not_found`, a 4xx from a webhook receiver, an SMTP 5xx); a dead letter of kind `notify`, replayable once fixed',
  },
  NOTIFY_NOT_CONFIGURED: {
    status: 404,
    retryable: false,
    doc: 'a notification is for a channel this deployment has no credentials for (`SLACK_BOT_TOKEN`, `SMTP_URL`, `WEBHOOK_SIGNING_SECRET`); a dead letter, replayable once the env is set',
  },
  NOT_READY: {
    status: 503,
    retryable: true,
    doc: 'a dependency (database, queue) is not reachable, or the service is shutting down; sent with `Retry-After` (seconds): retry then. A database restart answers this on intake, never 500',
  },
  OVERLOADED: {
    status: 503,
    retryable: true,
    doc: 'load shedding: the event loop lags or memory is past its limit (docs/operations.md "Load shedding"), so the request was refused before any work; nothing was stored. Sent with `Retry-After` (seconds): retry then',
  },
  INTERNAL: { status: 500, retryable: true, doc: 'our bug or outage; see the log line with the same requestId' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof errorTable;

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
/** What an item key may hold to be spelled bare in `[id=emea]`: rep/pool/rule ids, canonical field names. */
const itemKey = /^[A-Za-z0-9_.:-]+$/;

/** An item of a list named by a key it holds (`{ by: 'id', value: 'emea' }` is `[id=emea]`), not by position. */
export interface ItemRef {
  by: string;
  value: string;
}
export type PathPart = PropertyKey | ItemRef;

export const isItemRef = (p: PathPart): p is ItemRef => typeof p === 'object' && p !== null;
export const canNameItem = (value: unknown): value is string => typeof value === 'string' && itemKey.test(value);

/**
 * The one spelling of a path in every error: `mappings["hubspot/contact"].fields[1].transforms[0].pattern`,
 * `routing.rules[id=emea].action.pool`, `body.lead.email`. Indexes in brackets; an item named by
 * its id as `[id=...]`; a key that is not an identifier (a slash, a space) quoted in brackets.
 * `prefix` is an already formatted path.
 */
export function fieldPath(parts: ReadonlyArray<PathPart>, prefix = ''): string {
  return parts.reduce<string>((acc, p) => {
    if (typeof p === 'number') return `${acc}[${p}]`;
    if (isItemRef(p)) return `${acc}[${p.by}=${p.value}]`;
    const key = String(p);
    if (!identifier.test(key)) return `${acc}[${JSON.stringify(key)}]`;
    return acc ? `${acc}.${key}` : key;
  }, prefix);
}

const segment =
  /\.([A-Za-z_$][A-Za-z0-9_$]*)|\[(\d+)\]|\[([A-Za-z_$][A-Za-z0-9_$]*)=([A-Za-z0-9_.:-]+)\]|\[("(?:[^"\\]|\\.)*")\]/y;

/** The parts of a path `fieldPath` spelled (its inverse); undefined when `path` is not in that spelling. */
export function parsePath(path: string): PathPart[] | undefined {
  if (path === '' || path === '(root)') return [];
  const head = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(path);
  const parts: PathPart[] = head ? [head[0]] : [];
  segment.lastIndex = head ? head[0].length : 0;
  while (segment.lastIndex < path.length) {
    const m = segment.exec(path);
    if (!m) return undefined;
    if (m[1] !== undefined) parts.push(m[1]);
    else if (m[2] !== undefined) parts.push(Number(m[2]));
    else if (m[3] !== undefined) parts.push({ by: m[3], value: m[4]! });
    else parts.push(JSON.parse(m[5]!) as string);
  }
  return parts;
}

export interface FieldIssue {
  path: string;
  message: string;
  /** The line of the input file the path points at, when the input was a file (YAML/JSON). */
  line?: number;
}

export class AppError extends Error {
  /** Always its code's status in the table: a body's status cannot disagree with its code. */
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: { errors?: FieldIssue[]; [k: string]: unknown },
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AppError';
    this.status = errorTable[code].status;
  }

  /** Whether trying the same work again can succeed: the connector's word (`details.retryable`) when it gave one, else the table's. */
  get retryable(): boolean {
    const flag = this.details?.retryable;
    return typeof flag === 'boolean' ? flag : errorTable[this.code].retryable;
  }
}

// "Do not retry" is a class, not a string match: queue/ maps it to BullMQ's UnrecoverableError.
export class PermanentError extends AppError {
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(code, message, details, options);
    this.name = 'PermanentError';
  }

  override get retryable(): boolean {
    return false;
  }
}

const joinIssues = (issues: FieldIssue[]) => issues.map((i) => `${i.path}: ${i.message}`).join('; ');

/**
 * A connector failure as the error its code stands for: a code the table says is not worth
 * retrying is a PermanentError (the queue stops), the rest an AppError whose details carry the
 * connector's `retryable` and the CRM's `retryAfterMs`.
 */
function crmError(code: ErrorCode & `CRM_${string}`, message: string, details: Record<string, unknown> = {}): AppError {
  const { retryable } = errorTable[code];
  return retryable
    ? new AppError(code, message, { retryable, ...details })
    : new PermanentError(code, message, { retryable, ...details });
}

/** One maker per code (test/unit/errors-catalogue.test.ts checks that each code has one). */
export const errors = {
  validation: (issues: FieldIssue[]) => new AppError('VALIDATION_FAILED', joinIssues(issues), { errors: issues }),
  bodyTooLarge: (limitBytes: number) =>
    new AppError('BODY_TOO_LARGE', `request body is larger than ${limitBytes} bytes`, {
      errors: [{ path: 'body', message: `larger than ${limitBytes} bytes` }],
    }),
  unsupportedMediaType: (contentType: string, accepted = 'application/json') =>
    new AppError('UNSUPPORTED_MEDIA_TYPE', `content-type "${contentType}" is not accepted; send ${accepted}`, {
      errors: [{ path: 'headers.content-type', message: `"${contentType}" is not accepted` }],
    }),
  malformedJson: (reason: string) =>
    new AppError('MALFORMED_JSON', `body is not valid JSON: ${reason}`, {
      errors: [{ path: 'body', message: `not valid JSON: ${reason}` }],
    }),
  unauthorized: (reason: string) => new AppError('UNAUTHORIZED', reason),
  forbidden: (reason: string) => new AppError('FORBIDDEN', reason),
  originNotAllowed: (origin: string, source: string) =>
    new AppError(
      'ORIGIN_NOT_ALLOWED',
      `origin "${origin}" may not post the web form of source "${source}"; add it to ${fieldPath([source, 'allowedOrigins'], 'WEB_FORMS')}`,
      { errors: [{ path: 'headers.origin', message: `"${origin}" is not in the allowed origins` }] },
    ),
  /** `${what} was not found`, with `hint` in parentheses when given. */
  notFound: (what: string, hint?: string) =>
    new AppError('NOT_FOUND', `${what} was not found${hint ? ` (${hint})` : ''}`),
  /** A 404 for an id in the request, naming where it came from (`params.id`) and the likely intended one. */
  notFoundAt: (path: string, message: string) => new AppError('NOT_FOUND', message, { errors: [{ path, message }] }),
  conflict: (reason: string) => new AppError('CONFLICT', reason),
  bulkFilterInvalid: (message: string) =>
    new AppError('BULK_FILTER_INVALID', `where: ${message}`, { errors: [{ path: 'where', message }] }),
  signatureMissing: (header: string) =>
    new AppError('SIGNATURE_MISSING', `header ${header} is missing`, {
      errors: [{ path: `headers.${header.toLowerCase()}`, message: 'missing' }],
    }),
  signatureInvalid: (header: string) =>
    new AppError('SIGNATURE_INVALID', `header ${header} does not match the request`, {
      errors: [{ path: `headers.${header.toLowerCase()}`, message: 'does not match' }],
    }),
  signatureStale: (ageMs: number, limitMs: number) =>
    new AppError('SIGNATURE_STALE', `signature is ${ageMs} ms old (limit ${limitMs})`),
  configInvalid: (issues: FieldIssue[]) =>
    new AppError('CONFIG_INVALID', `config is invalid: ${joinIssues(issues)}`, { errors: issues }),
  configRefMissing: (path: string, kind: string, name: string) =>
    new AppError('CONFIG_REFERENCE_MISSING', `${path} names ${kind} "${name}", which does not exist`, {
      errors: [{ path, message: `${kind} "${name}" does not exist` }],
    }),
  configNotFound: (version: string | number) =>
    new AppError('CONFIG_NOT_FOUND', `config version ${version} was not found`),
  mappingFailed: (issues: FieldIssue[]) =>
    new PermanentError('MAPPING_FAILED', `record could not be mapped: ${joinIssues(issues)}`, { errors: issues }),
  crmRateLimited: (message: string, details?: Record<string, unknown>) =>
    crmError('CRM_RATE_LIMITED', message, details),
  crmAuth: (message: string, details?: Record<string, unknown>) => crmError('CRM_AUTH', message, details),
  crmTemporary: (message: string, details?: Record<string, unknown>) => crmError('CRM_TEMPORARY', message, details),
  crmRejected: (message: string, details?: Record<string, unknown>) => crmError('CRM_REJECTED', message, details),
  crmNotFound: (message: string, details?: Record<string, unknown>) => crmError('CRM_NOT_FOUND', message, details),
  crmRecordGone: (crm: string, objectType: string, id: string) =>
    crmError('CRM_NOT_FOUND', `${crm} ${objectType} ${id} no longer exists in the CRM`),
  /** Any connector code, for a classifier that computed it. */
  crm: crmError,
  notifyTemporary: (message: string, details?: Record<string, unknown>) =>
    new AppError('NOTIFY_TEMPORARY', message, details),
  notifyRejected: (message: string, details?: Record<string, unknown>) =>
    new PermanentError('NOTIFY_REJECTED', message, details),
  notifyNotConfigured: (channel: string, env: string) =>
    new PermanentError('NOTIFY_NOT_CONFIGURED', `no ${channel} channel: ${env} is not set`),
  connectorNotConfigured: (crm: string) =>
    new AppError('CONNECTOR_NOT_CONFIGURED', `connector "${crm}" is not configured`),
  notReady: (what: string) => new AppError('NOT_READY', `${what} is not reachable`),
  overloaded: (what: string) =>
    new AppError(
      'OVERLOADED',
      `the server is overloaded (${what}): nothing was stored; retry after the Retry-After seconds`,
    ),
  internal: (message: string, options?: { cause?: unknown }) => new AppError('INTERNAL', message, undefined, options),
};

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
