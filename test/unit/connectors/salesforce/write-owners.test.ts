// Owner write-back with jsforce's real HTTP against the local REST stand-in, which records every
// request exactly as it arrived (headers and body on the wire).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSalesforceConnector, type SalesforceDeps } from '../../../../connectors/salesforce/index.js';
import { startSalesforceStandin, type SalesforceStandin } from '../../../support/salesforce-standin.js';
import { aSalesforceConfig, fixtureJson, recordingSleep } from './helpers.js';

const L1 = '00Q5g00000LmNoPEAV';
const L2 = '00Q5g00000LmNoQEAV';
const C1 = '0035g00000AbCdEAAZ';
const ANA = '0055g000003QrStAAK';
const QUEUE = '00G5g000001WxYzEAK';
const lead = (id: string) => ({ crm: 'salesforce' as const, objectType: 'Lead', id });
type SaveError = { errors: Array<{ statusCode: string; message: string }> };
const fixtureError = (file: string) =>
  fixtureJson<SaveError[]>(`errors/${file}`).find((r) => r.errors.length)!.errors[0]!;

let sf: SalesforceStandin;
beforeEach(async () => {
  sf = await startSalesforceStandin({
    accessToken: 'test-access-token-00000',
    records: {
      Lead: [
        { Id: L1, OwnerId: QUEUE, Email: 'pat@acme.example' },
        { Id: L2, OwnerId: QUEUE },
      ],
      Contact: [{ Id: C1, OwnerId: QUEUE }],
      User: [{ Id: ANA, Name: 'Ana', IsActive: true }],
      Group: [{ Id: QUEUE, Name: 'EMEA queue', Type: 'Queue' }],
    },
    fields: { Lead: ['Route_Reason__c'] },
  });
});
afterEach(() => sf.close());

const make = (deps: SalesforceDeps = {}, over = {}) =>
  createSalesforceConnector(aSalesforceConfig({ instanceUrl: sf.url, ...over }), { random: () => 0.5, ...deps });
const patches = () => sf.requests.filter((r) => r.method === 'PATCH');

describe('writeOwners', () => {
  it('PATCHes sObject Collections with allOrNone false and both headers on the wire', async () => {
    const usage: unknown[] = [];
    const results = await make({ onLimitInfo: (u) => usage.push(u) }).writeOwners([
      { writeId: 'w2', ref: lead(L1), ownerId: ANA, extraFields: { Route_Reason__c: 'rule emea' } },
      { writeId: 'w1', ref: { crm: 'salesforce', objectType: 'Contact', id: C1 }, ownerId: QUEUE },
    ]);
    expect(results).toEqual([
      { writeId: 'w2', ok: true },
      { writeId: 'w1', ok: true },
    ]);
    const [p] = patches();
    expect(patches()).toHaveLength(1);
    expect(p!.path).toBe('/services/data/v62.0/composite/sobjects');
    expect(p!.headers['sforce-auto-assign']).toBe('FALSE');
    expect(p!.headers['sforce-call-options']).toBe('client=lead-router');
    expect(p!.headers['authorization']).toBe('Bearer test-access-token-00000');
    expect(JSON.parse(p!.body)).toEqual({
      allOrNone: false,
      records: [
        { attributes: { type: 'Contact' }, id: C1, OwnerId: QUEUE },
        { attributes: { type: 'Lead' }, id: L1, Route_Reason__c: 'rule emea', OwnerId: ANA },
      ],
    });
    expect(usage).toEqual([{ used: 1, limit: 15000 }]);
  });

  it('sets OwnerId exactly once per record', async () => {
    await make().writeOwners([{ writeId: 'w', ref: lead(L1), ownerId: ANA }]);
    expect(sf.writes.filter((w) => w.id === L1 && 'OwnerId' in w.fields)).toEqual([
      {
        type: 'Lead',
        id: L1,
        fields: { OwnerId: ANA },
        headers: { 'sforce-auto-assign': 'FALSE', 'sforce-call-options': 'client=lead-router' },
      },
    ]);
    expect(sf.records.get('Lead')!.get(L1)!['OwnerId']).toBe(ANA);
  });

  it('reports a partial failure per record, by writeId', async () => {
    const e = fixtureError('collections-partial-failure.json');
    sf.failWrite(L2, e.statusCode, e.message);
    const results = await make().writeOwners([
      { writeId: 'ok', ref: lead(L1), ownerId: ANA },
      { writeId: 'bad', ref: lead(L2), ownerId: ANA },
    ]);
    expect(results).toEqual([
      { writeId: 'ok', ok: true },
      { writeId: 'bad', ok: false, code: 'CRM_REJECTED', retryable: false, message: `MALFORMED_ID: ${e.message}` },
    ]);
  });

  it('retries UNABLE_TO_LOCK_ROW with backoff, resending only that record, then succeeds', async () => {
    const e = fixtureError('unable-to-lock-row.json');
    sf.failWrite(L1, e.statusCode, e.message);
    const { sleeps, sleep } = recordingSleep();
    const results = await make({ sleep }).writeOwners([
      { writeId: 'a', ref: lead(L2), ownerId: ANA },
      { writeId: 'b', ref: lead(L1), ownerId: ANA },
    ]);
    expect(results).toEqual([
      { writeId: 'a', ok: true },
      { writeId: 'b', ok: true },
    ]);
    expect(
      patches().map((p) => (JSON.parse(p.body) as { records: Array<{ id: string }> }).records.map((r) => r.id)),
    ).toEqual([[L2, L1], [L1]]);
    expect(sleeps).toEqual([10]); // retryBaseDelayMs 10, first attempt, jitter centred (random 0.5)
    expect(sf.writes.filter((w) => w.id === L1)).toHaveLength(1);
  });

  it('gives up after maxRetries and hands back a retryable failure', async () => {
    const e = fixtureError('unable-to-lock-row.json');
    sf.failWrite(L1, e.statusCode, e.message, 5);
    const { sleeps, sleep } = recordingSleep();
    const [r] = await make({ sleep }, { maxRetries: 2 }).writeOwners([{ writeId: 'a', ref: lead(L1), ownerId: ANA }]);
    expect(r).toMatchObject({ ok: false, code: 'CRM_TEMPORARY', retryable: true });
    expect(sleeps).toEqual([10, 20]);
    expect(patches()).toHaveLength(3);
  });

  it('stores a validation-rule failure with its message and does not retry it', async () => {
    const e = fixtureError('validation-rule.json');
    sf.failWrite(L1, e.statusCode, e.message, 5);
    const { sleeps, sleep } = recordingSleep();
    const results = await make({ sleep }).writeOwners([{ writeId: 'w', ref: lead(L1), ownerId: ANA }]);
    expect(results).toEqual([
      {
        writeId: 'w',
        ok: false,
        code: 'CRM_REJECTED',
        retryable: false,
        message: 'FIELD_CUSTOM_VALIDATION_EXCEPTION: Owner must be a member of the EMEA team',
      },
    ]);
    expect(patches()).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('maps a deleted record to CRM_NOT_FOUND and a whole-call 503 to a shared temporary failure', async () => {
    const [gone] = await make().writeOwners([{ writeId: 'g', ref: lead('00Q5g00000Gone0AAA'), ownerId: ANA }]);
    expect(gone).toMatchObject({ ok: false, code: 'CRM_NOT_FOUND', retryable: false });

    sf.failNextRequest(503, [{ message: 'Server temporarily unavailable', errorCode: 'SERVER_UNAVAILABLE' }]);
    const { sleep } = recordingSleep();
    const down = await make({ sleep }, { maxRetries: 0 }).writeOwners([
      { writeId: 'x', ref: lead(L1), ownerId: ANA },
      { writeId: 'y', ref: lead(L2), ownerId: ANA },
    ]);
    expect(down.map((r) => [r.writeId, r.ok, !r.ok && r.code, !r.ok && r.retryable])).toEqual([
      ['x', false, 'CRM_TEMPORARY', true],
      ['y', false, 'CRM_TEMPORARY', true],
    ]);
  });

  it('splits more than 200 writes into calls of 200', async () => {
    const rows = Array.from({ length: 201 }, (_, i) => ({
      Id: `00Q5g0000${String(i).padStart(9, '0')}`,
      OwnerId: QUEUE,
    }));
    sf.records.set('Lead', new Map(rows.map((r) => [r.Id, r])));
    const results = await make().writeOwners(rows.map((r, i) => ({ writeId: `w${i}`, ref: lead(r.Id), ownerId: ANA })));
    expect(patches().map((p) => (JSON.parse(p.body) as { records: unknown[] }).records.length)).toEqual([200, 1]);
    expect(results.every((r) => r.ok)).toBe(true);
  });
});
