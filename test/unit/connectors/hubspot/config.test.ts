import { describe, expect, it } from 'vitest';
import { createHubSpotConnector, hubSpotConfigSchema } from '../../../../connectors/hubspot/index.js';

describe('HubSpot connector config', () => {
  it('fills the documented defaults', () => {
    const c = hubSpotConfigSchema.parse({ auth: { kind: 'private_app', token: 'pat-x' }, clientSecret: 's3cret' });
    expect(c).toMatchObject({
      baseUrl: 'https://api.hubapi.com',
      acceptSignatureVersions: ['v3'],
      objectTypes: ['contact'],
      rateLimit: { requests: 190, windowMs: 10_000 },
      maxRetries: 3,
    });
  });

  it("refuses ownerReasonProperty, saying where the setting moved (the mapping's reasonField)", () => {
    const r = hubSpotConfigSchema.safeParse({
      auth: { kind: 'private_app', token: 'pat-x' },
      clientSecret: 's3cret',
      ownerReasonProperty: 'lr_route_reason',
    });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => ({ path: i.path, message: i.message }))).toEqual([
      {
        path: ['ownerReasonProperty'],
        message:
          'moved: set mappings["hubspot/<objectType>"].reasonField in the config document (YAML/JSON, published through the admin API or CONFIG_FILE) instead',
      },
    ]);
  });

  it('strips a trailing slash from baseUrl (the SDK concatenates paths onto it)', () => {
    expect(
      hubSpotConfigSchema.parse({
        baseUrl: 'http://127.0.0.1:4010/',
        auth: { kind: 'private_app', token: 'pat-x' },
        clientSecret: 's',
      }).baseUrl,
    ).toBe('http://127.0.0.1:4010');
  });

  it('a bad config -> CONFIG_INVALID naming each path, and never echoing a secret', () => {
    let err: { code?: string; message?: string; details?: { errors?: Array<{ path: string }> } } | undefined;
    try {
      createHubSpotConnector({
        auth: { kind: 'oauth', clientId: '', clientSecret: 'oauth-secret-1', refreshToken: 'rt-secret-2' },
        clientSecret: 'hook-secret-3',
        rateLimit: { requests: 0, windowMs: 10_000 },
        acceptSignatureVersions: [],
      });
    } catch (e) {
      err = e as typeof err;
    }
    expect(err?.code).toBe('CONFIG_INVALID');
    expect(err?.details?.errors?.map((e) => e.path).sort()).toEqual([
      'hubspot.acceptSignatureVersions',
      'hubspot.auth.clientId',
      'hubspot.rateLimit.requests',
    ]);
    for (const s of ['oauth-secret-1', 'rt-secret-2', 'hook-secret-3'])
      expect(JSON.stringify({ m: err?.message, d: err?.details })).not.toContain(s);
  });
});
