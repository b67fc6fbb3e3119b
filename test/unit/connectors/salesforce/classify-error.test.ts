// Case by case from recorded Salesforce error bodies in fixtures/salesforce/errors/.
import { describe, expect, it } from 'vitest';
import { classifyRecordError, classifyRequestError, classifyStatus } from '../../../../connectors/salesforce/classify-error.js';
import { fixtureJson } from './helpers.js';

type SaveResult = { errors: Array<{ statusCode: string; message: string }> };
const firstError = (file: string) => {
  const rows = fixtureJson<SaveResult[]>(`errors/${file}`);
  const e = rows.find((r) => r.errors.length > 0)!.errors[0]!;
  return classifyRecordError(e.statusCode, e.message);
};

describe('classifyRecordError / classifyRequestError', () => {
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

  it('a deleted record is CRM_NOT_FOUND; a malformed id is a rejection', () => {
    expect(firstError('entity-is-deleted.json')).toMatchObject({ code: 'CRM_NOT_FOUND', retryable: false });
    expect(firstError('collections-partial-failure.json')).toMatchObject({ code: 'CRM_REJECTED', retryable: false });
  });

  it('request-level errors: limit, session, HTTP status, network', () => {
    const limit = fixtureJson<Array<{ errorCode: string; message: string }>>('errors/request-limit-exceeded.json')[0]!;
    expect(classifyRequestError(Object.assign(new Error(limit.message), { errorCode: limit.errorCode }))).toMatchObject({ code: 'CRM_RATE_LIMITED', retryable: true });
    expect(classifyRequestError(Object.assign(new Error('Session expired or invalid'), { errorCode: 'INVALID_SESSION_ID' }))).toMatchObject({ code: 'CRM_AUTH', retryable: false });
    expect(classifyRequestError(Object.assign(new Error('Service Unavailable'), { errorCode: 'ERROR_HTTP_503' }))).toMatchObject({ code: 'CRM_TEMPORARY', retryable: true });
    expect(classifyRequestError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toMatchObject({ code: 'CRM_TEMPORARY', retryable: true });
    expect(classifyStatus(400, 'bad')).toMatchObject({ code: 'CRM_REJECTED', retryable: false });
  });
});
