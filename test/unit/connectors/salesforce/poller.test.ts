import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { createSalesforceConnector, type WatermarkStore } from '../../../../connectors/salesforce/index.js';
import type { InboundEvent } from '../../../../src/connector.js';
import { aSalesforceConfig, INSTANCE } from './helpers.js';

afterEach(() => nock.cleanAll());

function fakeWatermarks(initial: Record<string, string> = {}): WatermarkStore & { data: Map<string, string> } {
  const data = new Map(Object.entries(initial));
  return { data, get: async (o) => data.get(o), set: async (o, w) => void data.set(o, w) };
}

describe('poller', () => {
  it('queries past the watermark (with overlap), emits created / ownerChanged, and advances the watermark', async () => {
    const soql: string[] = [];
    nock(INSTANCE)
      .get('/services/data/v62.0/query')
      .query((q) => (soql.push(String(q['q'])), true))
      .reply(200, {
        totalSize: 2,
        done: true,
        records: [
          {
            attributes: { type: 'Lead' },
            Id: '00Q000000000001AAA',
            OwnerId: '005A',
            CreatedDate: '2025-07-15T21:11:00.000+0000',
            SystemModstamp: '2025-07-15T21:11:00.000+0000',
            LastModifiedById: '005U',
            Email: 'a@x.example',
          },
          {
            attributes: { type: 'Lead' },
            Id: '00Q000000000002AAA',
            OwnerId: '005B',
            CreatedDate: '2025-07-01T08:00:00.000+0000',
            SystemModstamp: '2025-07-15T21:12:30.000+0000',
            LastModifiedById: '005U',
            Email: 'b@x.example',
          },
        ],
      });
    const marks = fakeWatermarks({ Lead: '2025-07-15T21:10:00.000Z' });
    const got: InboundEvent[] = [];
    const sf = createSalesforceConnector(aSalesforceConfig({ objectTypes: ['Lead'] }), {
      now: () => new Date('2025-07-15T21:13:00Z'),
    });
    const poller = sf.createPoller({
      watermarkStore: marks,
      onEvents: async (e) => void got.push(...e),
      fields: ['Email'],
    });

    expect(await poller.pollOnce()).toBe(2);
    expect(soql).toEqual([
      'SELECT Id, OwnerId, CreatedDate, SystemModstamp, LastModifiedById, Email FROM Lead WHERE SystemModstamp > 2025-07-15T21:09:00Z ORDER BY SystemModstamp ASC, Id ASC',
    ]);
    expect(got[0]).toMatchObject({
      kind: 'created',
      sourceEventId: 'poll:Lead:00Q000000000001AAA:created',
      fields: { Email: 'a@x.example' },
    });
    expect(got[1]).toEqual({
      kind: 'ownerChanged',
      sourceEventId: 'poll:Lead:00Q000000000002AAA:2025-07-15T21:12:30.000+0000',
      record: { crm: 'salesforce', objectType: 'Lead', id: '00Q000000000002AAA' },
      occurredAt: '2025-07-15T21:12:30.000+0000',
      newOwnerId: '005B',
      changedBy: '005U',
    });
    expect(marks.data.get('Lead')).toBe('2025-07-15T21:12:30.000Z');
  });

  it('keeps the watermark when delivery fails, and looks back from now on first run', async () => {
    const soql: string[] = [];
    nock(INSTANCE)
      .get('/services/data/v62.0/query')
      .query((q) => (soql.push(String(q['q'])), true))
      .reply(200, {
        totalSize: 1,
        done: true,
        records: [
          {
            Id: '00Q000000000003AAA',
            OwnerId: '005A',
            CreatedDate: '2025-07-15T21:12:00.000+0000',
            SystemModstamp: '2025-07-15T21:12:00.000+0000',
          },
        ],
      });
    const marks = fakeWatermarks();
    const sf = createSalesforceConnector(aSalesforceConfig({ objectTypes: ['Lead'] }), {
      now: () => new Date('2025-07-15T21:13:00Z'),
    });
    const poller = sf.createPoller({
      watermarkStore: marks,
      onEvents: async () => {
        throw new Error('db down');
      },
    });
    await expect(poller.pollOnce()).rejects.toThrow('db down');
    expect(soql[0]).toContain('WHERE SystemModstamp > 2025-07-15T20:13:00Z');
    expect(marks.data.size).toBe(0);
  });
});
