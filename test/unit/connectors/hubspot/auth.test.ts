// OAuth: access tokens minted from the refresh token through the SDK's token endpoint, refreshed
// before they expire and after a 401; never visible in errors.
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHubSpotConnector } from '../../../../connectors/hubspot/index.js';
import { baseUrl, fakeClock, fixture, rejectionOf, webhookSecret, type FakeClock } from './support.js';

const oauth = {
  kind: 'oauth' as const,
  clientId: 'client-id-123',
  clientSecret: 'oauth-client-secret-456',
  refreshToken: 'refresh-token-789',
};
const readPath = '/crm/v3/objects/contacts/batch/read';
const ok = fixture('api/batch-read-contacts-200.json');

function oauthConnector(clock: FakeClock) {
  return createHubSpotConnector(
    { baseUrl, auth: oauth, clientSecret: webhookSecret },
    { now: clock.now, sleep: clock.sleep, random: () => 0.5 },
  );
}

function tokenReply(accessToken: string, expiresIn = 1800) {
  return { token_type: 'bearer', access_token: accessToken, refresh_token: oauth.refreshToken, expires_in: expiresIn };
}

// The SDK sends the refresh as application/x-www-form-urlencoded.
const refreshBody = (body: string) => {
  const p = new URLSearchParams(body);
  return (
    p.get('grant_type') === 'refresh_token' &&
    p.get('client_id') === oauth.clientId &&
    p.get('client_secret') === oauth.clientSecret &&
    p.get('refresh_token') === oauth.refreshToken
  );
};

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('OAuth tokens', () => {
  it('mints a token once, reuses it, and refreshes it before it expires (5 min ahead)', async () => {
    const clock = fakeClock();
    const scope = nock(baseUrl)
      .post('/oauth/v1/token', refreshBody)
      .reply(200, tokenReply('at-1'))
      .post(readPath)
      .query(true)
      .matchHeader('authorization', 'Bearer at-1')
      .times(2)
      .reply(200, ok)
      .post('/oauth/v1/token', refreshBody)
      .reply(200, tokenReply('at-2'))
      .post(readPath)
      .query(true)
      .matchHeader('authorization', 'Bearer at-2')
      .reply(200, ok);
    const connector = oauthConnector(clock);
    await connector.fetchRecords('contact', ['5001'], ['email']);
    clock.advance(20 * 60_000); // 20 of 30 minutes: still fresh
    await connector.fetchRecords('contact', ['5001'], ['email']);
    clock.advance(6 * 60_000); // 26 of 30 minutes: inside the 5-minute margin, so refresh first
    await connector.fetchRecords('contact', ['5001'], ['email']);
    expect(scope.isDone()).toBe(true);
  });

  it('concurrent calls share one refresh', async () => {
    const clock = fakeClock();
    const scope = nock(baseUrl)
      .post('/oauth/v1/token')
      .once()
      .reply(200, tokenReply('at-1'))
      .post(readPath)
      .query(true)
      .times(3)
      .reply(200, ok);
    const connector = oauthConnector(clock);
    await Promise.all([1, 2, 3].map(() => connector.fetchRecords('contact', ['5001'], ['email'])));
    expect(scope.isDone()).toBe(true);
  });

  it('a 401 (token revoked early) refreshes once and retries', async () => {
    const clock = fakeClock();
    const scope = nock(baseUrl)
      .post('/oauth/v1/token')
      .reply(200, tokenReply('at-1'))
      .post(readPath)
      .query(true)
      .matchHeader('authorization', 'Bearer at-1')
      .reply(401, fixture<{ body: object }>('errors/401-expired-token.json').body)
      .post('/oauth/v1/token')
      .reply(200, tokenReply('at-2'))
      .post(readPath)
      .query(true)
      .matchHeader('authorization', 'Bearer at-2')
      .reply(200, ok);
    expect(await oauthConnector(clock).fetchRecords('contact', ['5001'], ['email'])).toHaveLength(2);
    expect(scope.isDone()).toBe(true);
  });

  it('a refused refresh token -> CRM_AUTH, not retried in the call but retryable later (rows wait for an operator), no secret in the error', async () => {
    nock(baseUrl)
      .post('/oauth/v1/token')
      .reply(400, {
        status: 'BAD_REFRESH_TOKEN',
        message: `missing or unknown refresh token ${oauth.refreshToken} for client ${oauth.clientSecret}`,
        correlationId: 'c-1',
      });
    const err = await rejectionOf(oauthConnector(fakeClock()).fetchRecords('contact', ['5001'], ['email']));
    expect(err).toMatchObject({ code: 'CRM_AUTH', name: 'AppError', details: { retryable: true } });
    expect(err.details).not.toHaveProperty('retryAfterMs');
    const seen = JSON.stringify({ m: err.message, d: err.details, s: err.stack });
    for (const s of [oauth.refreshToken, oauth.clientSecret, webhookSecret]) expect(seen).not.toContain(s);
  });
});
