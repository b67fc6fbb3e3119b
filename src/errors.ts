// The one catalogue of error codes. A code is stable: clients and dashboards key on it.
// Every code here is listed in docs/errors.md (a unit test keeps the two in step).

export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'BODY_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'MALFORMED_JSON'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'SIGNATURE_MISSING'
  | 'SIGNATURE_INVALID'
  | 'SIGNATURE_STALE'
  | 'CONFIG_INVALID'
  | 'CONFIG_REFERENCE_MISSING'
  | 'CONFIG_NOT_FOUND'
  | 'MAPPING_FAILED'
  | 'CRM_RATE_LIMITED'
  | 'CRM_AUTH'
  | 'CRM_TEMPORARY'
  | 'CRM_REJECTED'
  | 'CRM_NOT_FOUND'
  | 'CONNECTOR_NOT_CONFIGURED'
  | 'NOT_READY'
  | 'OVERLOADED'
  | 'INTERNAL';

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

const segment = /\.([A-Za-z_$][A-Za-z0-9_$]*)|\[(\d+)\]|\[([A-Za-z_$][A-Za-z0-9_$]*)=([A-Za-z0-9_.:-]+)\]|\[("(?:[^"\\]|\\.)*")\]/y;

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
  constructor(
    readonly code: ErrorCode,
    readonly status: number,
    message: string,
    readonly details?: { errors?: FieldIssue[]; [k: string]: unknown },
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AppError';
  }
}

// "Do not retry" is a class, not a string match: queue/ maps it to BullMQ's UnrecoverableError.
export class PermanentError extends AppError {
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, options?: { cause?: unknown; status?: number }) {
    super(code, options?.status ?? 422, message, details, options);
    this.name = 'PermanentError';
  }
}

export const errors = {
  validation: (issues: FieldIssue[]) =>
    new AppError('VALIDATION_FAILED', 400, issues.map((i) => `${i.path}: ${i.message}`).join('; '), { errors: issues }),
  bodyTooLarge: (limitBytes: number) =>
    new AppError('BODY_TOO_LARGE', 413, `request body is larger than ${limitBytes} bytes`, { errors: [{ path: 'body', message: `larger than ${limitBytes} bytes` }] }),
  unsupportedMediaType: (contentType: string) =>
    new AppError('UNSUPPORTED_MEDIA_TYPE', 415, `content-type "${contentType}" is not accepted; send application/json`, { errors: [{ path: 'headers.content-type', message: `"${contentType}" is not accepted` }] }),
  malformedJson: (reason: string) =>
    new AppError('MALFORMED_JSON', 400, `body is not valid JSON: ${reason}`, { errors: [{ path: 'body', message: `not valid JSON: ${reason}` }] }),
  unauthorized: (reason: string) => new AppError('UNAUTHORIZED', 401, reason),
  forbidden: (reason: string) => new AppError('FORBIDDEN', 403, reason),
  notFound: (what: string) => new AppError('NOT_FOUND', 404, `${what} was not found`),
  /** A 404 for an id in the request, naming where it came from (`params.id`) and the likely intended one. */
  notFoundAt: (path: string, message: string) => new AppError('NOT_FOUND', 404, message, { errors: [{ path, message }] }),
  conflict: (reason: string) => new AppError('CONFLICT', 409, reason),
  signatureMissing: (header: string) =>
    new AppError('SIGNATURE_MISSING', 401, `header ${header} is missing`, { errors: [{ path: `headers.${header.toLowerCase()}`, message: 'missing' }] }),
  signatureInvalid: (header: string) =>
    new AppError('SIGNATURE_INVALID', 401, `header ${header} does not match the request`, { errors: [{ path: `headers.${header.toLowerCase()}`, message: 'does not match' }] }),
  signatureStale: (ageMs: number, limitMs: number) =>
    new AppError('SIGNATURE_STALE', 401, `signature is ${ageMs} ms old (limit ${limitMs})`),
  configInvalid: (issues: FieldIssue[]) =>
    new AppError('CONFIG_INVALID', 422, `config is invalid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { errors: issues }),
  configRefMissing: (path: string, kind: string, name: string) =>
    new AppError('CONFIG_REFERENCE_MISSING', 422, `${path} names ${kind} "${name}", which does not exist`, { errors: [{ path, message: `${kind} "${name}" does not exist` }] }),
  configNotFound: (version: string | number) => new AppError('CONFIG_NOT_FOUND', 404, `config version ${version} was not found`),
  mappingFailed: (issues: FieldIssue[]) =>
    new PermanentError('MAPPING_FAILED', `record could not be mapped: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { errors: issues }),
  crmRecordGone: (crm: string, objectType: string, id: string) =>
    new PermanentError('CRM_NOT_FOUND', `${crm} ${objectType} ${id} no longer exists in the CRM`, undefined, { status: 404 }),
  connectorNotConfigured: (crm: string) =>
    new AppError('CONNECTOR_NOT_CONFIGURED', 404, `connector "${crm}" is not configured`),
  notReady: (what: string) => new AppError('NOT_READY', 503, `${what} is not reachable`),
  overloaded: (what: string) => new AppError('OVERLOADED', 503, `the server is overloaded (${what}): nothing was stored; retry after the Retry-After seconds`),
};

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
