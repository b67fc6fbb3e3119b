// Case by case from recorded Salesforce error bodies in fixtures/salesforce/errors/:
// per-record SaveResult errors (*.json) and whole-request HTTP answers (http-*.json, with status).
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  classifyRecordError,
  classifyRequestError,
  classifyStatus,
} from '../../../../connectors/salesforce/classify-error.js';
import { CrmTimeoutError } from '../../../../connectors/http/index.js';
import { fixtureJson } from './helpers.js';

type SaveResult = { errors: Array<{ statusCode: string; message: string }> };
const firstError = (file: string) => {
  const rows = fixtureJson<SaveResult[]>(`errors/${file}`);
  const e = rows.find((r) => r.errors.length > 0)!.errors[0]!;
  return classifyRecordError(e.statusCode, e.message);
};

interface HttpFixture {
  description: string;
  status: number;
  headers: Record<string, string>;
  body: unknown;
  oauth?: boolean;
  expected: { code: string; retryable: boolean; retryAfterMs?: number };
}

// What jsforce throws for such an answer: HttpApiError { errorCode, message } from the first
// element of a REST error array, ERROR_HTTP_<status> when the body has no message, and for the
// token endpoint an Error named after the OAuth `error`. The status is what our transport saw.
function asThrown(f: HttpFixture): Error {
  if (f.oauth) {
    const b = f.body as { error: string; error_description: string };
    return Object.assign(new Error(b.error_description), { name: b.error });
  }
  const first = Array.isArray(f.body) ? (f.body[0] as { message?: string; errorCode?: string }) : undefined;
  if (first?.message)
    return Object.assign(new Error(first.message), { name: first.errorCode, errorCode: first.errorCode });
  return Object.assign(new Error(String(f.body)), {
    name: `ERROR_HTTP_${f.status}`,
    errorCode: `ERROR_HTTP_${f.status}`,
  });
}

const dir = fileURLToPath(new URL('../../../../fixtures/salesforce/errors/', import.meta.url));
const httpFiles = readdirSync(dir)
  .filter((f) => f.startsWith('http-') && f.endsWith('.json'))
  .sort();
const opts = { requestLimitWaitMs: 900_000, nowMs: Date.parse('2026-03-02T10:00:00Z') };

describe('classifyRequestError, status first (fixtures/salesforce/errors/http-*.json)', () => {
  it('has fixtures to run', () => {
    expect(httpFiles.length).toBeGreaterThanOrEqual(8);
  });

  for (const file of httpFiles) {
    const f = fixtureJson<HttpFixture>(`errors/${file}`);
    it(`${file}: ${f.description}`, () => {
      const got = classifyRequestError(asThrown(f), { status: f.status, headers: f.headers }, opts);
      expect({
        code: got.code,
        retryable: got.retryable,
        ...(got.retryAfterMs !== undefined && { retryAfterMs: got.retryAfterMs }),
      }).toEqual(f.expected);
    });
  }

  it("a permanent refusal keeps Salesforce's reason in the message", () => {
    const f = fixtureJson<HttpFixture>('errors/http-400-invalid-field.json');
    expect(classifyRequestError(asThrown(f), { status: 400 }, opts).message).toBe(
      "HTTP 400: INVALID_FIELD: No such column 'routeReason' on sobject of type Lead",
    );
  });

  it("without a seen status, jsforce's ERROR_HTTP_<status> still decides", () => {
    expect(
      classifyRequestError(Object.assign(new Error('Service Unavailable'), { errorCode: 'ERROR_HTTP_503' })),
    ).toMatchObject({ code: 'CRM_TEMPORARY', retryable: true });
  });

  it('timeouts and network errors are retryable', () => {
    expect(classifyRequestError(new CrmTimeoutError('request', 200))).toMatchObject({
      code: 'CRM_TEMPORARY',
      retryable: true,
      message: expect.stringContaining('200 ms'),
    });
    expect(
      classifyRequestError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })),
    ).toMatchObject({ code: 'CRM_TEMPORARY', retryable: true });
    expect(classifyRequestError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toMatchObject({
      code: 'CRM_TEMPORARY',
      retryable: true,
    });
  });

  it('a 408 is retried; a bare 400 is a rejection', () => {
    expect(classifyStatus(408, 'timeout')).toMatchObject({ code: 'CRM_TEMPORARY', retryable: true });
    expect(classifyStatus(400, 'bad')).toMatchObject({ code: 'CRM_REJECTED', retryable: false });
  });
});

describe('classifyRecordError (SaveResult fixtures)', () => {
  it('UNABLE_TO_LOCK_ROW is temporary and retryable', () => {
    expect(firstError('unable-to-lock-row.json')).toEqual({
      code: 'CRM_TEMPORARY',
      retryable: true,
      message: 'UNABLE_TO_LOCK_ROW: unable to obtain exclusive access to this record or 1 records: 00Q5g00000LmNoPEAV',
    });
  });

  it('a validation rule is a rejection, not retried, and keeps its message', () => {
    expect(firstError('validation-rule.json')).toEqual({
      code: 'CRM_REJECTED',
      retryable: false,
      message: 'FIELD_CUSTOM_VALIDATION_EXCEPTION: Owner must be a member of the EMEA team',
    });
  });

  it('an unknown field, an unknown owner and an inactive owner are rejections with their reason', () => {
    expect(firstError('invalid-field-record.json')).toEqual({
      code: 'CRM_REJECTED',
      retryable: false,
      message: "INVALID_FIELD: No such column 'routeReason' on sobject of type Lead",
    });
    expect(firstError('invalid-cross-reference-key.json')).toEqual({
      code: 'CRM_REJECTED',
      retryable: false,
      message: 'INVALID_CROSS_REFERENCE_KEY: invalid cross reference id',
    });
    expect(firstError('inactive-owner.json')).toMatchObject({
      code: 'CRM_REJECTED',
      retryable: false,
      message: expect.stringContaining('INACTIVE_OWNER_OR_USER'),
    });
  });

  it('a deleted record is CRM_NOT_FOUND; a malformed id is a rejection', () => {
    expect(firstError('entity-is-deleted.json')).toMatchObject({ code: 'CRM_NOT_FOUND', retryable: false });
    expect(firstError('collections-partial-failure.json')).toMatchObject({ code: 'CRM_REJECTED', retryable: false });
  });

  it('REQUEST_LIMIT_EXCEEDED waits the configured time', () => {
    const limit = fixtureJson<Array<{ errorCode: string; message: string }>>('errors/request-limit-exceeded.json')[0]!;
    expect(classifyRecordError(limit.errorCode, limit.message, { requestLimitWaitMs: 60_000 })).toMatchObject({
      code: 'CRM_RATE_LIMITED',
      retryable: true,
      retryAfterMs: 60_000,
    });
  });
});
