// OAuth against the REST stand-in (token POSTs go over a real socket), and secrets hygiene.
import { createVerify, generateKeyPairSync } from 'node:crypto';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createSalesforceConnector, parseSalesforceConfig } from '../../../../connectors/salesforce/index.js';
import { startSalesforceStandin, type SalesforceStandin } from '../../../support/salesforce-standin.js';
import { AppError } from '../../../../src/errors.js';
import { aSalesforceConfig, recordingLogger } from './helpers.js';

const CLIENT_SECRET = 'client-secret-7f3a9c2e1d';
const REFRESH = 'refresh-token-5b8e4d1a0c';
let sf: SalesforceStandin | undefined;
afterEach(async () => {
  await sf?.close();
  sf = undefined;
});

const lead = { Id: '00Q5g00000LmNoPEAV', Email: 'pat@acme.example' };

describe('salesforce auth', () => {
  it('gets a token with the refresh token, then renews it once on a 401 and replays the call', async () => {
    sf = await startSalesforceStandin({ refreshToken: REFRESH, records: { Lead: [lead] } });
    const conn = createSalesforceConnector(
      aSalesforceConfig({
        instanceUrl: undefined,
        loginUrl: sf.url,
        auth: { kind: 'refresh_token', clientId: 'cid', clientSecret: CLIENT_SECRET, refreshToken: REFRESH },
      }),
    );
    expect(await conn.fetchRecords('Lead', [lead.Id], ['Email'])).toHaveLength(1);
    expect(sf.tokenRequests).toEqual([
      { grant_type: 'refresh_token', refresh_token: REFRESH, client_id: 'cid', client_secret: CLIENT_SECRET },
    ]);
    expect(sf.requests.find((r) => r.path.startsWith('/services/data'))!.headers['authorization']).toBe(
      'Bearer standin-token-1',
    );

    // The stand-in rotates its token on every grant: simulate expiry by issuing a new one elsewhere.
    await fetch(`${sf.url}/services/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: REFRESH }),
    });
    expect(await conn.fetchRecords('Lead', [lead.Id], ['Email'])).toHaveLength(1);
    expect(sf.tokenRequests).toHaveLength(3);
  });

  it('signs a JWT bearer assertion the connected app can verify', async () => {
    sf = await startSalesforceStandin({ records: { Lead: [lead] } });
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const now = new Date('2026-01-10T12:00:00Z');
    const conn = createSalesforceConnector(
      aSalesforceConfig({
        instanceUrl: undefined,
        loginUrl: sf.url,
        auth: { kind: 'jwt', clientId: 'cid', username: 'router@acme.example', privateKey: pem },
      }),
      { now: () => now },
    );
    await conn.describeFields('Lead');
    const req = sf.tokenRequests[0]!;
    expect(req['grant_type']).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    const [h, p, sig] = req['assertion']!.split('.');
    expect(createVerify('RSA-SHA256').update(`${h}.${p}`).verify(publicKey, Buffer.from(sig!, 'base64url'))).toBe(true);
    expect(JSON.parse(Buffer.from(p!, 'base64url').toString())).toEqual({
      iss: 'cid',
      sub: 'router@acme.example',
      aud: sf.url,
      exp: now.getTime() / 1000 + 180,
    });
  });

  it('never puts secrets in errors, logs or printed config', async () => {
    sf = await startSalesforceStandin({ refreshToken: 'some-other-refresh-token' });
    const logger = recordingLogger();
    const raw = aSalesforceConfig({
      instanceUrl: undefined,
      loginUrl: sf.url,
      auth: { kind: 'refresh_token', clientId: 'cid', clientSecret: CLIENT_SECRET, refreshToken: REFRESH },
    });
    const conn = createSalesforceConnector(raw, { logger });
    const err = await conn.describeFields('Lead').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'CRM_AUTH' });
    const cfg = parseSalesforceConfig(raw);
    const surfaces = [
      (err as AppError).message,
      JSON.stringify((err as AppError).details),
      inspect(err, { depth: 5 }),
      ...logger.lines,
      JSON.stringify(cfg),
      inspect(cfg, { depth: 5 }),
      `${cfg.outboundToken}`,
    ].join('\n');
    expect(logger.lines.length).toBeGreaterThan(0);
    for (const secret of [CLIENT_SECRET, REFRESH, raw.outboundToken as string]) expect(surfaces).not.toContain(secret);
    expect(JSON.stringify(cfg)).toContain('[redacted]');
  });

  it('scrubs tokens obtained at run time from errors and logs, even when Salesforce quotes them', async () => {
    sf = await startSalesforceStandin({ refreshToken: REFRESH, records: { Lead: [lead] } });
    const logger = recordingLogger();
    const conn = createSalesforceConnector(
      aSalesforceConfig({
        instanceUrl: undefined,
        loginUrl: sf.url,
        maxRetries: 1,
        auth: { kind: 'refresh_token', clientId: 'cid', clientSecret: CLIENT_SECRET, refreshToken: REFRESH },
      }),
      { logger, sleep: async () => undefined },
    );
    expect(await conn.fetchRecords('Lead', [lead.Id], ['Email'])).toHaveLength(1);
    const token = sf.issuedTokens[0]!;
    sf.faults.next({
      kind: 'status',
      status: 500,
      times: Infinity,
      body: [{ message: `bad session ${token}`, errorCode: 'UNKNOWN_EXCEPTION' }],
    });
    const err = (await conn.fetchRecords('Lead', [lead.Id], ['Email']).catch((e: unknown) => e)) as AppError;
    const [write] = await conn.writeOwners([
      { writeId: 'w', ref: { crm: 'salesforce', objectType: 'Lead', id: lead.Id }, ownerId: '0055g000003QrStAAK' },
    ]);
    const surfaces = [
      err.message,
      JSON.stringify(err.details),
      inspect(err, { depth: 5 }),
      JSON.stringify(write),
      ...logger.lines,
    ].join('\n');
    expect(err).toMatchObject({ code: 'CRM_TEMPORARY', details: { retryable: true } });
    expect(surfaces).toContain('bad session [redacted]');
    expect(surfaces).not.toContain(token);
  });

  it('reports config errors with their paths', () => {
    try {
      parseSalesforceConfig({
        ...aSalesforceConfig(),
        instanceUrl: undefined,
        outboundToken: 'short',
        auth: { kind: 'jwt', clientId: 'x' },
      });
      expect.unreachable();
    } catch (e) {
      const paths = ((e as AppError).details?.errors ?? []).map((i) => i.path);
      expect((e as AppError).code).toBe('CONFIG_INVALID');
      expect(paths).toEqual(expect.arrayContaining(['outboundToken', 'auth.username', 'auth.privateKey']));
    }
  });
});
