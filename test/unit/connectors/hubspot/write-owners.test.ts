// Owner write-back outcomes per record: partial failures, deleted records, a bad owner id.
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OwnerWrite } from '../../../../src/connector.js';
import { aConnector, baseUrl, bodyReply, fakeClock, fixture } from './support.js';

const updatePath = '/crm/v3/objects/contacts/batch/update';
const write = (n: number, id: string, ownerId = '41629779'): OwnerWrite => ({
  writeId: `w-${n}`,
  ref: { crm: 'hubspot', objectType: 'contact', id },
  ownerId,
});
const okFor = (ids: string[]) => ({
  status: 'COMPLETE',
  results: ids.map((id) => ({ id, properties: {}, createdAt: 'x', updatedAt: 'x' })),
  startedAt: 'x',
  completedAt: 'x',
});

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('writeOwners: per-record results', () => {
  it('a deleted record in a 207 -> ok:false CRM_NOT_FOUND retryable:false, the rest ok, and it is not retried', async () => {
    const scope = nock(baseUrl)
      .post(updatePath)
      .once()
      .reply(207, fixture('api/batch-update-contacts-207-deleted.json'));
    const results = await aConnector().writeOwners([write(1, '5001'), write(2, '99999')]);
    expect(results).toEqual([
      { writeId: 'w-1', ok: true },
      {
        writeId: 'w-2',
        ok: false,
        code: 'CRM_NOT_FOUND',
        retryable: false,
        message: expect.stringContaining('OBJECT_NOT_FOUND'),
      },
    ]);
    expect(scope.isDone()).toBe(true);
    expect(nock.pendingMocks()).toEqual([]); // and nothing else was sent: nock would have answered 501
  });

  it('a partial batch failure: retryable per-record errors are retried per record, the rest are not', async () => {
    const clock = fakeClock();
    const inputs: string[][] = [];
    const r = bodyReply(207, (b: { inputs: Array<{ id: string }> }) => {
      inputs.push(b.inputs.map((i) => i.id));
      if (inputs.length > 1) return okFor(b.inputs.map((i) => i.id));
      return {
        ...okFor(['5001']),
        numErrors: 2,
        errors: [
          { status: 'error', category: 'OBJECT_NOT_FOUND', message: 'gone', context: { ids: ['5002'] } },
          {
            status: 'error',
            category: 'INTERNAL_ERROR',
            message: 'try again',
            context: { objectWriteTraceId: ['w-3'] },
          },
        ],
      };
    });
    nock(baseUrl)
      .post(updatePath, r.match)
      .times(2)
      .reply(...r.reply);
    const results = await aConnector({}, clock).writeOwners([write(1, '5001'), write(2, '5002'), write(3, '5003')]);
    expect(results).toMatchObject([
      { writeId: 'w-1', ok: true },
      { writeId: 'w-2', ok: false, code: 'CRM_NOT_FOUND', retryable: false },
      { writeId: 'w-3', ok: true },
    ]);
    expect(inputs).toEqual([['5001', '5002', '5003'], ['5003']]);
    expect(clock.slept).toEqual([500]);
  });

  it('a whole batch rejected (400, one bad owner id) is re-sent record by record, so good writes go through', async () => {
    const invalidOwner = fixture<{ body: object }>('errors/400-invalid-owner.json').body;
    const scope = nock(baseUrl)
      .post(updatePath, (b: { inputs: unknown[] }) => b.inputs.length === 2)
      .reply(400, invalidOwner)
      .post(updatePath, {
        inputs: [{ id: '5001', properties: { hubspot_owner_id: '41629779' }, objectWriteTraceId: 'w-1' }],
      })
      .reply(200, okFor(['5001']))
      .post(updatePath, {
        inputs: [{ id: '5002', properties: { hubspot_owner_id: '99999999' }, objectWriteTraceId: 'w-2' }],
      })
      .reply(400, invalidOwner);
    const results = await aConnector().writeOwners([write(1, '5001'), write(2, '5002', '99999999')]);
    expect(results).toMatchObject([
      { writeId: 'w-1', ok: true },
      { writeId: 'w-2', ok: false, code: 'CRM_REJECTED', retryable: false },
    ]);
    expect(scope.isDone()).toBe(true);
  });

  it('a 207 that neither lists a record nor names it in an error -> CRM_NOT_FOUND (HubSpot does this for bad ids)', async () => {
    nock(baseUrl)
      .post(updatePath)
      .reply(207, { ...okFor(['5001']), numErrors: 0, errors: [] });
    expect(await aConnector().writeOwners([write(1, '5001'), write(2, '12345')])).toMatchObject([
      { ok: true },
      { writeId: 'w-2', ok: false, code: 'CRM_NOT_FOUND', retryable: false },
    ]);
  });

  it('a batch that stays rate-limited -> every write ok:false CRM_RATE_LIMITED retryable with retryAfterMs', async () => {
    nock(baseUrl).post(updatePath).reply(429, fixture<{ body: object }>('errors/429-daily.json').body);
    const results = await aConnector().writeOwners([write(1, '5001'), write(2, '5002')]);
    expect(results).toEqual([
      {
        writeId: 'w-1',
        ok: false,
        code: 'CRM_RATE_LIMITED',
        retryable: true,
        retryAfterMs: 14 * 3_600_000,
        message: expect.any(String),
      },
      {
        writeId: 'w-2',
        ok: false,
        code: 'CRM_RATE_LIMITED',
        retryable: true,
        retryAfterMs: 14 * 3_600_000,
        message: expect.any(String),
      },
    ]);
  });

  it('other object types go through the objects API', async () => {
    const scope = nock(baseUrl)
      .post('/crm/v3/objects/leads/batch/update', {
        inputs: [{ id: '7001', properties: { hubspot_owner_id: '41629779' }, objectWriteTraceId: 'w-1' }],
      })
      .reply(200, okFor(['7001']));
    expect(
      await aConnector({ objectTypes: ['lead'] }).writeOwners([
        { writeId: 'w-1', ref: { crm: 'hubspot', objectType: 'lead', id: '7001' }, ownerId: '41629779' },
      ]),
    ).toEqual([{ writeId: 'w-1', ok: true }]);
    expect(scope.isDone()).toBe(true);
  });
});
