// 429 / 5xx handling through the real SDK and nock, with a fake clock: no test really waits.
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aConnector, baseUrl, fakeClock, fixture, rejectionOf, token, webhookSecret } from './support.js';

const readPath = '/crm/v3/objects/contacts/batch/read';
const ok = fixture('api/batch-read-contacts-200.json');
const rateLimited = fixture<{ body: object }>('errors/429-ten-secondly-rolling.json').body;
const internal = fixture<{ body: object }>('errors/500-internal.json').body;

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('retries', () => {
  it('429 then success: waits exactly Retry-After, then succeeds', async () => {
    const clock = fakeClock();
    const scope = nock(baseUrl)
      .post(readPath)
      .query(true)
      .reply(429, rateLimited, { 'Retry-After': '7' })
      .post(readPath)
      .query(true)
      .reply(200, ok);
    const records = await aConnector({}, clock).fetchRecords('contact', ['5001', '5002'], ['email']);
    expect(records).toHaveLength(2);
    expect(clock.slept).toEqual([7_000]);
    expect(scope.isDone()).toBe(true);
  });

  it('429 without Retry-After: waits the policy window (TEN_SECONDLY_ROLLING = 10 s)', async () => {
    const clock = fakeClock();
    nock(baseUrl).post(readPath).query(true).reply(429, rateLimited).post(readPath).query(true).reply(200, ok);
    await aConnector({}, clock).fetchRecords('contact', ['5001'], ['email']);
    expect(clock.slept).toEqual([10_000]);
  });

  it('a 5xx storm then success: exponential backoff (500, 1000, 2000 ms), then the result', async () => {
    const clock = fakeClock();
    const scope = nock(baseUrl)
      .post(readPath)
      .query(true)
      .times(3)
      .reply(500, internal)
      .post(readPath)
      .query(true)
      .reply(200, ok);
    const records = await aConnector({ maxRetries: 3 }, clock).fetchRecords('contact', ['5001', '5002'], ['email']);
    expect(records.map((r) => r.ref.id)).toEqual(['5001', '5002']);
    expect(clock.slept).toEqual([500, 1_000, 2_000]);
    expect(scope.isDone()).toBe(true);
  });

  it('a 5xx storm longer than maxRetries: throws CRM_TEMPORARY, retryable, after 1 + maxRetries calls', async () => {
    const scope = nock(baseUrl)
      .post(readPath)
      .query(true)
      .times(3)
      .reply(503, { status: 'error', message: 'Service Unavailable', category: 'SERVICE_UNAVAILABLE' });
    const err = await rejectionOf(aConnector({ maxRetries: 2 }).fetchRecords('contact', ['5001'], ['email']));
    expect(err).toMatchObject({ code: 'CRM_TEMPORARY', details: { retryable: true, hubspotStatus: 503 } });
    expect(scope.isDone()).toBe(true);
  });

  it('a 5xx with no body (a gateway page, an empty 503) is retried by its status, not refused for its body', async () => {
    const clock = fakeClock();
    const scope = nock(baseUrl)
      .post(readPath)
      .query(true)
      .reply(503, '')
      .post(readPath)
      .query(true)
      .reply(502, '<html>Bad Gateway</html>', { 'content-type': 'text/html' })
      .post(readPath)
      .query(true)
      .reply(200, ok);
    const records = await aConnector({ maxRetries: 3 }, clock).fetchRecords('contact', ['5001', '5002'], ['email']);
    expect(records.map((r) => r.ref.id)).toEqual(['5001', '5002']);
    expect(clock.slept).toEqual([500, 1_000]);
    expect(scope.isDone()).toBe(true);
  });

  it('an empty 503 past maxRetries is CRM_TEMPORARY and retryable, with its status', async () => {
    const scope = nock(baseUrl).post(readPath).query(true).times(2).reply(503);
    const err = await rejectionOf(aConnector({ maxRetries: 1 }).fetchRecords('contact', ['5001'], ['email']));
    expect(err).toMatchObject({ code: 'CRM_TEMPORARY', details: { retryable: true, hubspotStatus: 503 } });
    expect(scope.isDone()).toBe(true);
  });

  it('a wait longer than maxRetryWaitMs (daily limit) is handed back: CRM_RATE_LIMITED with retryAfterMs, no sleep', async () => {
    const clock = fakeClock();
    const scope = nock(baseUrl)
      .post(readPath)
      .query(true)
      .once()
      .reply(429, fixture<{ body: object }>('errors/429-daily.json').body);
    const err = await rejectionOf(aConnector({}, clock).fetchRecords('contact', ['5001'], ['email']));
    expect(err).toMatchObject({
      code: 'CRM_RATE_LIMITED',
      status: 503,
      details: { retryable: true, retryAfterMs: 14 * 3_600_000 },
    }); // 10:00 UTC -> midnight UTC
    expect(clock.slept).toEqual([]);
    expect(scope.isDone()).toBe(true);
  });

  it('a 400 is not retried and is a PermanentError (CRM_REJECTED)', async () => {
    const scope = nock(baseUrl)
      .post(readPath)
      .query(true)
      .once()
      .reply(400, fixture<{ body: object }>('errors/400-batch-too-large.json').body);
    const err = await rejectionOf(aConnector().fetchRecords('contact', ['5001'], ['email']));
    expect(err).toMatchObject({
      name: 'PermanentError',
      code: 'CRM_REJECTED',
      details: { retryable: false, category: 'VALIDATION_ERROR' },
    });
    expect(scope.isDone()).toBe(true);
  });

  it('a 401 with a private app token is not retried in the call (a refresh cannot help) -> CRM_AUTH, retryable later, no retryAfterMs', async () => {
    const scope = nock(baseUrl)
      .post(readPath)
      .query(true)
      .once()
      .reply(401, fixture<{ body: object }>('errors/401-invalid-authentication.json').body);
    const err = await rejectionOf(aConnector().fetchRecords('contact', ['5001'], ['email']));
    expect(err).toMatchObject({ code: 'CRM_AUTH', details: { retryable: true } });
    expect(err.details).not.toHaveProperty('retryAfterMs');
    expect(scope.isDone()).toBe(true);
  });

  it("429s from one call hold back the next call too (the portal's window is shared)", async () => {
    const clock = fakeClock();
    nock(baseUrl)
      .post(readPath)
      .query(true)
      .reply(429, rateLimited, { 'Retry-After': '2' })
      .post(readPath)
      .query(true)
      .times(2)
      .reply(200, ok);
    const connector = aConnector({}, clock);
    await Promise.all([
      connector.fetchRecords('contact', ['5001'], ['email']),
      connector.fetchRecords('contact', ['5002'], ['email']),
    ]);
    expect(clock.slept).toEqual([2_000]);
  });
});

describe('secrets never reach an error', () => {
  it('not even when HubSpot echoes the request, headers and all', async () => {
    // Worst case: an error body that quotes our Authorization header and the webhook secret.
    nock(baseUrl)
      .post(readPath)
      .query(true)
      .reply(400, {
        status: 'error',
        category: 'VALIDATION_ERROR',
        message: `bad request {"authorization":"Bearer ${token}","x":"${webhookSecret}"} ${'.'.repeat(400)}`,
      });
    const err = await rejectionOf(aConnector().fetchRecords('contact', ['5001'], ['email']));
    const seen = JSON.stringify({
      message: err.message,
      details: err.details,
      stack: err.stack,
      cause: String((err as { cause?: unknown }).cause),
    });
    expect(seen).toContain('[redacted]');
    expect(seen).not.toContain(token);
    expect(seen).not.toContain(token.slice(0, 20));
    expect(seen).not.toContain(webhookSecret);
  });

  it('and a parsed config prints [redacted] for every secret', async () => {
    const { hubSpotConfigSchema } = await import('../../../../connectors/hubspot/index.js');
    const config = hubSpotConfigSchema.parse({
      auth: { kind: 'oauth', clientId: 'id', clientSecret: 'oauth-secret-xyz', refreshToken: 'rt-abc-123' },
      clientSecret: webhookSecret,
    });
    const printed =
      JSON.stringify(config) +
      String(config.clientSecret) +
      `${config.auth.kind === 'oauth' ? config.auth.refreshToken : ''}`;
    const { inspect } = await import('node:util');
    for (const s of ['oauth-secret-xyz', 'rt-abc-123', webhookSecret]) {
      expect(printed).not.toContain(s);
      expect(inspect(config, { depth: 5 })).not.toContain(s);
    }
  });
});
