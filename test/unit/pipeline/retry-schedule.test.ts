import { describe, expect, it } from 'vitest';
import { AppError, PermanentError, errors } from '../../../src/errors.js';
import { failureOf, nextAttempt } from '../../../src/pipeline/retry-schedule.js';
import { RetryableWriteError } from '../../../src/pipeline/write-back.js';

const hour = 3_600_000;
const s = { baseMs: 500, maxMs: 60_000, horizonMs: 72 * hour, jitter: 0.2 };
const t0 = new Date('2026-03-02T10:00:00.000Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const delayAfter = (failures: number, random = 0.5, retryAfterMs?: number, elapsedMs = 0) => {
  const n = nextAttempt({ now: at(elapsedMs), firstFailedAt: t0, failures, retryAfterMs }, s, random);
  return n.kind === 'retry' ? n.at.getTime() - at(elapsedMs).getTime() : 'dead';
};

describe('nextAttempt', () => {
  it('doubles per failure from the base up to the cap, with no jitter at random = 0.5', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 40, 5000].map((f) => delayAfter(f))).toEqual([
      500, 1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000, 60_000,
    ]);
  });

  it('spreads by at most the jitter fraction either way', () => {
    expect(delayAfter(2, 0)).toBe(800);
    expect(delayAfter(2, 0.999999)).toBe(1200);
    expect(delayAfter(20, 0.999999)).toBe(72_000);
  });

  it("takes a CRM's Retry-After as a floor, even past the cap (a daily limit until its reset)", () => {
    expect(delayAfter(1, 0.5, 100)).toBe(500);
    expect(delayAfter(1, 0.5, 5 * hour)).toBe(5 * hour);
  });

  it('never schedules past the horizon: the last try is at its end', () => {
    expect(delayAfter(30, 0.5, undefined, 72 * hour - 1000)).toBe(1000);
    expect(delayAfter(1, 0.5, 100 * hour, 70 * hour)).toBe(2 * hour);
  });

  it('gives up on a failure at or after the horizon', () => {
    expect(delayAfter(90, 0.5, undefined, 72 * hour)).toBe('dead');
    expect(delayAfter(90, 0.5, undefined, 80 * hour)).toBe('dead');
  });

  it('counts the horizon from the first failure, not from the latest', () => {
    expect(
      nextAttempt({ now: at(71 * hour), firstFailedAt: at(70 * hour), failures: 3, retryAfterMs: undefined }, s, 0.5),
    ).toEqual({ kind: 'retry', at: at(71 * hour + 2000) });
  });
});

describe('failureOf', () => {
  it('keeps the code and reads retryable and retryAfterMs from the error, never its message', () => {
    expect(failureOf(new AppError('CRM_AUTH', 'token revoked', { retryable: true }))).toEqual({
      code: 'CRM_AUTH',
      message: 'token revoked',
      retryable: true,
    });
    expect(
      failureOf(new AppError('CRM_RATE_LIMITED', 'daily limit', { retryable: true, retryAfterMs: 7_200_000 })),
    ).toEqual({ code: 'CRM_RATE_LIMITED', message: 'daily limit', retryable: true, retryAfterMs: 7_200_000 });
    expect(failureOf(new AppError('CRM_REJECTED', 'retry later please', { retryable: false }))).toMatchObject({
      code: 'CRM_REJECTED',
      retryable: false,
    });
    expect(failureOf(new RetryableWriteError('busy', 250))).toEqual({
      code: 'CRM_TEMPORARY',
      message: 'busy',
      retryable: true,
      retryAfterMs: 250,
    });
  });

  it('a PermanentError and a missing connector are final; an unknown error is retried', () => {
    expect(failureOf(errors.mappingFailed([{ path: 'email', message: 'missing' }]))).toMatchObject({
      code: 'MAPPING_FAILED',
      retryable: false,
    });
    expect(failureOf(new PermanentError('CRM_NOT_FOUND', 'gone'))).toMatchObject({
      code: 'CRM_NOT_FOUND',
      retryable: false,
    });
    expect(failureOf(errors.connectorNotConfigured('salesforce'))).toMatchObject({
      code: 'CONNECTOR_NOT_CONFIGURED',
      retryable: false,
    });
    expect(failureOf(new Error('Connection terminated unexpectedly'))).toEqual({
      code: 'INTERNAL',
      message: 'Connection terminated unexpectedly',
      retryable: true,
    });
  });
});
