// jsforce's real streaming client (faye, long-polling, Replay extension) against the local
// Bayeux stand-in publishing Salesforce-shaped change events.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createSalesforceConnector,
  type CdcSubscriber,
  type ReplayStore,
} from '../../../../connectors/salesforce/index.js';
import type { InboundEvent } from '../../../../src/connector.js';
import { startBayeuxStandin, type BayeuxStandin } from '../../../support/bayeux-standin.js';
import { aSalesforceConfig, fixtureJson, until } from './helpers.js';

const CH = '/data/LeadChangeEvent';
type Msg = { payload: Record<string, unknown> & { ChangeEventHeader: Record<string, unknown> } };
const created = (id: string, tx: string) => {
  const m = fixtureJson<Msg>('change-events/lead-create.json');
  Object.assign(m.payload.ChangeEventHeader, { recordIds: [id], transactionKey: tx });
  return m.payload;
};
const ownerChange = () => fixtureJson<Msg>('change-events/lead-owner-change.json').payload;

function memoryReplayStore(): ReplayStore & { data: Map<string, number> } {
  const data = new Map<string, number>();
  return { data, get: async (c) => data.get(c), set: async (c, id) => void data.set(c, id) };
}

let bayeux: BayeuxStandin;
let subs: CdcSubscriber[] = [];
beforeEach(async () => {
  bayeux = await startBayeuxStandin({ accessToken: 'test-access-token-00000' });
});
afterEach(async () => {
  for (const s of subs) await s.stop();
  subs = [];
  await bayeux.close();
});

async function subscribe(store: ReplayStore, got: InboundEvent[]) {
  const sf = createSalesforceConnector(aSalesforceConfig({ instanceUrl: bayeux.url, objectTypes: ['Lead'] }));
  const sub = sf.createChangeSubscriber({ replayStore: store, onEvents: async (events) => void got.push(...events) });
  subs.push(sub);
  await sub.start();
  return sub;
}

describe('CDC subscriber', () => {
  it('delivers a CREATE as created and an owner change as ownerChanged with header fields', async () => {
    const store = memoryReplayStore();
    const got: InboundEvent[] = [];
    await subscribe(store, got);
    bayeux.publishChangeEvent(CH, created('00Q5g00000LmNoQEAV', 'tx-1'));
    const last = bayeux.publishChangeEvent(CH, ownerChange());
    await until(() => store.data.get(CH) === last, { what: 'both events stored' });
    expect(got.map((e) => e.kind)).toEqual(['created', 'ownerChanged']);
    expect(got[0]).toMatchObject({
      sourceEventId: 'tx-1:1:00Q5g00000LmNoQEAV',
      record: { objectType: 'Lead', id: '00Q5g00000LmNoQEAV' },
      fields: { Company: 'Globex' },
    });
    expect(got[1]).toEqual({
      kind: 'ownerChanged',
      sourceEventId: '0001a3c5-8f41-6e2b-93d7-5a1c0e7f2b10:1:00Q5g00000LmNoPEAV',
      record: { crm: 'salesforce', objectType: 'Lead', id: '00Q5g00000LmNoPEAV' },
      occurredAt: new Date(1752613930000).toISOString(),
      newOwnerId: '0055g000003QrStAAK',
      changedBy: '0055g000003QrSuAAK',
      changeSource: 'com/salesforce/api/rest/60.0;client=lead-router',
      transactionKey: '0001a3c5-8f41-6e2b-93d7-5a1c0e7f2b10',
    });
    expect(bayeux.subscribeRequests).toEqual([{ channel: CH, replayId: -1 }]);
  });

  it('resumes from the stored replay id after a restart, without repeats or gaps', async () => {
    const store = memoryReplayStore();
    const first: InboundEvent[] = [];
    const sub = await subscribe(store, first);
    const r1 = bayeux.publishChangeEvent(CH, created('00Q000000000001AAA', 'tx-a'));
    await until(() => store.data.get(CH) === r1, { what: 'first event stored' });
    await sub.stop();

    // Published while nobody listens: only replay can bring these back.
    bayeux.publishChangeEvent(CH, created('00Q000000000002AAA', 'tx-b'));
    const r3 = bayeux.publishChangeEvent(CH, created('00Q000000000003AAA', 'tx-c'));

    const second: InboundEvent[] = [];
    await subscribe(store, second);
    await until(() => store.data.get(CH) === r3, { what: 'replayed events stored' });
    expect(first.map((e) => e.record.id)).toEqual(['00Q000000000001AAA']);
    expect(second.map((e) => e.record.id)).toEqual(['00Q000000000002AAA', '00Q000000000003AAA']);
    expect(bayeux.subscribeRequests).toEqual([
      { channel: CH, replayId: -1 },
      { channel: CH, replayId: r1 },
    ]);
  });

  it('does not advance the replay id when onEvents fails, so a restart redelivers', async () => {
    const store = memoryReplayStore();
    const errors: Error[] = [];
    const sf = createSalesforceConnector(aSalesforceConfig({ instanceUrl: bayeux.url, objectTypes: ['Lead'] }));
    const sub = sf.createChangeSubscriber({
      replayStore: store,
      onEvents: async () => {
        throw new Error('database unavailable');
      },
      onError: (e) => errors.push(e),
    });
    subs.push(sub);
    await sub.start();
    bayeux.publishChangeEvent(CH, created('00Q000000000001AAA', 'tx-a'));
    await until(() => errors.length > 0, { what: 'onError' });
    expect(store.data.has(CH)).toBe(false);
    expect(errors[0]!.message).toBe('database unavailable');
  });

  it('falls back to all retained events when the stored replay id has expired', async () => {
    const store = memoryReplayStore();
    await store.set(CH, 5);
    bayeux.expireBefore(900);
    const r = bayeux.publishChangeEvent(CH, created('00Q000000000009AAA', 'tx-z'));
    const got: InboundEvent[] = [];
    await subscribe(store, got);
    await until(() => store.data.get(CH) === r, { what: 'retained event replayed' });
    expect(bayeux.subscribeRequests.map((s) => s.replayId)).toEqual([5, -2]);
    expect(got.map((e) => e.record.id)).toEqual(['00Q000000000009AAA']);
  });
});
