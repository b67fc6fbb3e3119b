import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AppError, PermanentError, errorTable, errors } from '../../src/errors.js';

const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
const documented = [...doc.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \| (yes|no) \| (.*) \|$/gm)].map((m) => ({
  code: m[1]!,
  status: Number(m[2]),
  retried: m[3] === 'yes',
  meaning: m[4]!,
}));

describe('the error catalogue', () => {
  // Every code in src/errors.ts is documented in docs/errors.md with its status, retry policy and meaning, and nothing documented is gone.
  it('keeps docs/errors.md and errorTable in step, row for row', () => {
    const table = Object.entries(errorTable).map(([code, s]) => ({
      code,
      status: s.status,
      retried: s.retryable,
      meaning: s.doc,
    }));
    expect(table.length).toBeGreaterThan(5);
    expect(documented.sort((a, b) => a.code.localeCompare(b.code))).toEqual(
      table.sort((a, b) => a.code.localeCompare(b.code)),
    );
  });

  it('has a maker for every code, and each maker answers its code with the status of the table', () => {
    const issue = [{ path: 'body.email', message: 'bad' }];
    const samples: AppError[] = [
      errors.validation(issue),
      errors.bodyTooLarge(10),
      errors.unsupportedMediaType('text/plain'),
      errors.malformedJson('eof'),
      errors.unauthorized('no key'),
      errors.forbidden('viewer'),
      errors.notFound('lead x'),
      errors.conflict('edited'),
      errors.bulkFilterInvalid('"x" at column 1: unknown field "x"'),
      errors.signatureMissing('X-Sig'),
      errors.signatureInvalid('X-Sig'),
      errors.signatureStale(1, 0),
      errors.configInvalid(issue),
      errors.configRefMissing('rules[0].pool', 'pool', 'emea'),
      errors.configNotFound(3),
      errors.mappingFailed(issue),
      errors.crmRateLimited('slow'),
      errors.crmAuth('refused'),
      errors.crmTemporary('5xx'),
      errors.crmRejected('no'),
      errors.crmNotFound('gone'),
      errors.connectorNotConfigured('salesforce'),
      errors.notifyTemporary('slack answered 503'),
      errors.notifyRejected('slack: users_not_found'),
      errors.notifyNotConfigured('slack', 'SLACK_BOT_TOKEN'),
      errors.notReady('the database'),
      errors.originNotAllowed('https://evil.example', 'website'),
      errors.overloaded('event loop delay 1234 ms over the limit of 1000 ms'),
      errors.internal('bug'),
    ];
    const made = new Map(samples.map((e) => [e.code, e]));
    expect([...made.keys()].sort()).toEqual(Object.keys(errorTable).sort());
    for (const [code, e] of made) expect(e.status, code).toBe(errorTable[code].status);
  });

  it('makes a CRM failure the table does not retry a PermanentError, with the status of its code', () => {
    expect(errors.crmNotFound('gone')).toMatchObject({ status: 404, retryable: false });
    expect(errors.crmNotFound('gone')).toBeInstanceOf(PermanentError);
    expect(errors.crmAuth('refused')).toMatchObject({ status: 502, retryable: true });
    expect(errors.crmAuth('refused')).not.toBeInstanceOf(PermanentError);
    expect(errors.crmRateLimited('slow down', { retryAfterMs: 1000 })).toMatchObject({
      status: 503,
      retryable: true,
      details: { retryAfterMs: 1000 },
    });
    expect(new PermanentError('CRM_AUTH', 'token revoked for good').status).toBe(502);
  });
});
