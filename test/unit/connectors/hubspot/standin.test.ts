// Against the local stand-in HubSpot (test/support/hubspot-standin.ts): real HTTP on 127.0.0.1,
// HubSpot's paths and JSON, a rolling rate limit answering 429. The connector and the stand-in
// share one fake clock, so "wait 10 s" costs nothing.
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OwnerWrite } from '../../../../src/connector.js';
import { createHubSpotConnector } from '../../../../connectors/hubspot/index.js';
import { startHubSpotStandIn, type HubSpotStandIn } from '../../../support/hubspot-standin.js';
import { fakeClock, token, webhookSecret, type FakeClock } from './support.js';

const ids = Array.from({ length: 230 }, (_, i) => String(8000 + i));
let standIn: HubSpotStandIn;
let clock: FakeClock;

beforeEach(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  clock = fakeClock();
  standIn = await startHubSpotStandIn({
    tokens: [token],
    now: clock.now,
    rateLimit: { requests: 2, windowMs: 10_000 },
    records: {
      contacts: Object.fromEntries(ids.map((id) => [id, { email: `${id}@example.com`, hubspot_owner_id: null }])),
    },
    owners: [
      { id: '41629779', email: 'ana@example.com', firstName: 'Ana', lastName: 'Alves' },
      { id: '41629780', email: 'bo@example.com', firstName: 'Bo', lastName: 'Berg' },
    ],
    properties: { contacts: [{ name: 'email', label: 'Email', type: 'string', fieldType: 'text' }] },
  });
});
afterEach(async () => {
  await standIn.close();
  nock.enableNetConnect();
});

const connectorFor = (s: HubSpotStandIn, rateLimit = { requests: 190, windowMs: 10_000 }) =>
  createHubSpotConnector(
    { baseUrl: s.url, auth: { kind: 'private_app', token }, clientSecret: webhookSecret, rateLimit, maxRetries: 5 },
    { now: clock.now, sleep: clock.sleep, random: () => 0.5 },
  );

const writesFor = (list: string[], tag: string): OwnerWrite[] =>
  list.map((id, i) => ({
    writeId: `${tag}-${id}`,
    ref: { crm: 'hubspot', objectType: 'contact', id },
    ownerId: i % 2 ? '41629780' : '41629779',
  }));

describe('against the stand-in HubSpot', () => {
  it('three workers sharing a portal limited to 2 requests / 10 s set every owner exactly once', async () => {
    // Each worker has its own bucket (as separate processes would), so the first wave overshoots
    // the portal's limit: someone gets a 429, waits Retry-After, and everyone learns from the
    // X-HubSpot-RateLimit-* headers.
    const parts = [ids.slice(0, 80), ids.slice(80, 160), ids.slice(160)];
    const results = await Promise.all(
      parts.map((part, n) => connectorFor(standIn).writeOwners(writesFor(part, `worker${n}`))),
    );
    expect(results.flat().filter((r) => !r.ok)).toEqual([]);
    expect(results.flat()).toHaveLength(ids.length);
    const perRecord = new Map<string, number>();
    for (const w of standIn.writes) perRecord.set(w.id, (perRecord.get(w.id) ?? 0) + 1);
    expect(perRecord.size).toBe(ids.length);
    expect([...perRecord.values()].every((n) => n === 1)).toBe(true);
    expect(standIn.record('contact', '8001')?.hubspot_owner_id).toBe('41629780');
    // The limit was really hit and waited out, not dodged.
    expect(standIn.requests.some((r) => r.status === 429)).toBe(true);
  });

  it('a 5xx storm and a deleted record: the rest is written once, the deleted one reported and not retried', async () => {
    standIn.deleteRecord('contact', '8002');
    standIn.failNext(2, 502);
    const results = await connectorFor(standIn).writeOwners(writesFor(['8000', '8001', '8002'], 'w'));
    expect(results).toMatchObject([
      { ok: true },
      { ok: true },
      { writeId: 'w-8002', ok: false, code: 'CRM_NOT_FOUND', retryable: false },
    ]);
    expect(standIn.writes.map((w) => w.id)).toEqual(['8000', '8001']);
    expect(standIn.requests.filter((r) => r.path.endsWith('/batch/update')).map((r) => r.status)).toEqual([
      502, 502, 207,
    ]);
  });

  it('reads, owners and properties speak the same JSON', async () => {
    const c = connectorFor(standIn);
    expect(await c.fetchRecords('contact', ['8000', 'nope'], ['email'])).toEqual([
      { ref: { crm: 'hubspot', objectType: 'contact', id: '8000' }, fields: { email: '8000@example.com' } },
    ]);
    expect((await c.listOwners()).map((o) => o.id)).toEqual(['41629779', '41629780']);
    expect(await c.describeFields('contact')).toEqual([{ name: 'email', label: 'Email', type: 'string' }]);
  });

  it('a wrong token -> CRM_AUTH', async () => {
    const c = createHubSpotConnector(
      { baseUrl: standIn.url, auth: { kind: 'private_app', token: 'pat-wrong' }, clientSecret: webhookSecret },
      { now: clock.now, sleep: clock.sleep },
    );
    await expect(c.listOwners()).rejects.toMatchObject({ code: 'CRM_AUTH' });
  });
});
