// classify-error, case by case from recorded HubSpot error bodies in fixtures/hubspot/errors/.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { classifyError } from '../../../../connectors/hubspot/classify-error.js';
import { CrmTimeoutError } from '../../../../connectors/http/index.js';
import { fixture, t0 } from './support.js';

interface ErrorFixture {
  description: string;
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  network?: { code: string };
  now?: string;
  timeZone?: string;
  expected: { code: string; retryable: boolean; retryAfterMs?: number };
}

const dir = fileURLToPath(new URL('../../../../fixtures/hubspot/errors/', import.meta.url));
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();

// What the SDK throws: its ApiException carries the status as `code`, the parsed body and the
// response headers (lower-cased by fetch).
function asThrown(f: ErrorFixture): unknown {
  if (f.network)
    return Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new Error('connect'), { code: f.network.code }),
    });
  const headers = Object.fromEntries(Object.entries(f.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  return Object.assign(
    new Error(`HTTP-Code: ${f.status}\nMessage: An error occurred.\nHeaders: ${JSON.stringify(headers)}`),
    { code: f.status, body: f.body, headers },
  );
}

describe('classifyError (from fixtures/hubspot/errors)', () => {
  it('has fixtures to run', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  for (const file of files) {
    const f = fixture<ErrorFixture>(`errors/${file}`);
    it(`${file}: ${f.description}`, () => {
      const got = classifyError(
        asThrown(f),
        f.now ? Date.parse(f.now) : t0,
        f.timeZone ? { timeZone: f.timeZone } : {},
      );
      expect({
        code: got.code,
        retryable: got.retryable,
        ...(got.retryAfterMs !== undefined && { retryAfterMs: got.retryAfterMs }),
      }).toEqual(f.expected);
      // The message comes from HubSpot's body, never from the SDK's header dump.
      expect(got.message).not.toContain('Headers:');
    });
  }

  it("keeps HubSpot's category and correlation id for the log", () => {
    const f = fixture<ErrorFixture>('errors/400-invalid-owner.json');
    expect(classifyError(asThrown(f), t0)).toMatchObject({
      status: 400,
      category: 'VALIDATION_ERROR',
      correlationId: 'c033cdaa-2c40-4a64-ae48-b4cec88dad10',
    });
  });

  it('our own timeout (a hung request aborted by the agent) is retryable', () => {
    expect(classifyError(new CrmTimeoutError('request', 200), t0)).toMatchObject({
      code: 'CRM_TEMPORARY',
      retryable: true,
      message: expect.stringContaining('200 ms'),
    });
    expect(classifyError(new CrmTimeoutError('connect', 50), t0)).toMatchObject({
      code: 'CRM_TEMPORARY',
      retryable: true,
    });
  });

  it('the reason of a refused property stays in the message', () => {
    expect(
      classifyError(asThrown(fixture<ErrorFixture>('errors/400-property-doesnt-exist.json')), t0).message,
    ).toContain('PROPERTY_DOESNT_EXIST');
  });

  it('an unknown non-HTTP error is not retried blindly', () => {
    expect(classifyError(new RangeError('bug'), t0)).toMatchObject({ code: 'CRM_REJECTED', retryable: false });
  });
});
