// Change Data Capture end to end: jsforce's real streaming client in the worker (runtime
// startWorking), the faye Bayeux stand-in publishing LeadChangeEvents, the REST stand-in
// receiving the owner writes, real Postgres and BullMQ. The replay id lives in connector_state,
// so a worker stopped and started again resumes after the last stored event.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Env } from '../../src/config/index.js';
import { startBayeuxStandin, type BayeuxStandin } from '../support/bayeux-standin.js';
import { root } from '../support/cli.js';
import { startSalesforceInstance, type SalesforceInstance } from '../support/salesforce-instance.js';
import {
  aLeadRecord,
  standinOrg,
  SF_ACCESS_TOKEN,
  SF_ORG_ID,
  standinSalesforceConfig,
} from '../support/salesforce-outbound.js';
import { startSalesforceStandin, type SalesforceStandin } from '../support/salesforce-standin.js';
import { createTestDatabase, sqlClient, type TestDatabase } from '../support/services.js';
import { cleanupQueue, startSystem, testEnv, type TestSystem } from '../support/system.js';
import { until } from '../support/until.js';

const CH = '/data/LeadChangeEvent';
const REPLAY_KEY = `salesforce:cdc-replay:${CH}`;
const records = Array.from({ length: 4 }, (_, i) => aLeadRecord(i, 'C'));
const idOf = (i: number) => records[i]!.Id as string;

let tdb: TestDatabase;
let rest: SalesforceStandin;
let bayeux: BayeuxStandin;
let instance: SalesforceInstance;
let env: Env;
let sys: TestSystem | undefined;
let sql: Awaited<ReturnType<typeof sqlClient>>;

/** A worker process: job handlers, sweeper and the CDC subscription (startWorking resolves once subscribed). */
async function startWorker(): Promise<TestSystem> {
  const s = await startSystem(env, { migrate: sys === undefined });
  await s.rt.startWorking();
  return s;
}

// A CREATE as Salesforce sends it: compound Name, nulls left out (so the mapped Email is read over REST).
function createEvent(i: number, tx: string) {
  const r = records[i]!;
  return {
    ChangeEventHeader: {
      entityName: 'Lead',
      recordIds: [r.Id],
      changeType: 'CREATE',
      changeOrigin: '',
      transactionKey: tx,
      sequenceNumber: 1,
      commitTimestamp: Date.parse('2025-07-15T21:11:40.000Z'),
      commitNumber: 1,
      commitUser: '0055g000003QrStAAK',
      nulledFields: [],
      diffFields: [],
      changedFields: [],
    },
    Name: { FirstName: r.FirstName, LastName: r.LastName, Salutation: null },
    Company: r.Company,
    Status: r.Status,
    LeadSource: r.LeadSource,
    OwnerId: r.OwnerId,
    CreatedDate: r.CreatedDate,
  };
}

function ownerChangeEvent(i: number, tx: string, owner: string) {
  return {
    ChangeEventHeader: {
      entityName: 'Lead',
      recordIds: [idOf(i)],
      changeType: 'UPDATE',
      changeOrigin: '',
      transactionKey: tx,
      sequenceNumber: 1,
      commitTimestamp: Date.parse('2025-07-15T21:12:10.000Z'),
      commitNumber: 2,
      commitUser: '0055g000003QrSuAAK',
      nulledFields: [],
      diffFields: [],
      changedFields: ['OwnerId', 'LastModifiedDate'],
    },
    OwnerId: owner,
    LastModifiedDate: '2025-07-15T21:12:10.000Z',
  };
}

const writesOf = (id: string) => rest.writes.filter((w) => w.id === id);
const storedReplayId = async () =>
  (await sql.rows<{ value: number }>(`select value from connector_state where key = $1`, [REPLAY_KEY]))[0]?.value;

beforeAll(async () => {
  tdb = await createTestDatabase();
  rest = await startSalesforceStandin(standinOrg(records));
  bayeux = await startBayeuxStandin({ accessToken: SF_ACCESS_TOKEN });
  instance = await startSalesforceInstance({ restUrl: rest.url, cometdUrl: bayeux.url });
  env = testEnv(tdb.url, {
    SALESFORCE_CONFIG: standinSalesforceConfig(instance.url, { streams: { cdc: true } }),
    CONFIG_FILE: `${root}fixtures/config/salesforce-e2e.yaml`,
  });
  sql = await sqlClient(tdb.url);
});

afterAll(async () => {
  await sys?.close();
  await cleanupQueue(env);
  await sql?.end();
  await instance?.close();
  await bayeux?.close();
  await rest?.close();
  await tdb?.drop();
});

describe('Salesforce change events through a worker', () => {
  it('routes a LeadChangeEvent CREATE and sets its OwnerId over REST', async () => {
    sys = await startWorker();
    expect(bayeux.subscribeRequests).toEqual([{ channel: CH, replayId: -1 }]);
    const replayId = bayeux.publishChangeEvent(CH, createEvent(0, 'tx-create-0'));
    await until(() => writesOf(idOf(0)).length === 1, { what: 'the owner written' });
    expect(writesOf(idOf(0))[0]).toMatchObject({
      fields: { OwnerId: '0055g00000AnaAAAA1' },
      headers: { 'sforce-auto-assign': 'FALSE', 'sforce-call-options': 'client=lead-router' },
    });
    const [ev] = await sql.rows(`select source, source_event_id, kind, status from inbound_events`);
    expect(ev).toEqual({
      source: 'salesforce',
      source_event_id: `tx-create-0:1:${idOf(0)}`,
      kind: 'created',
      status: 'done',
    });
    // The CREATE carried no Email (null fields are left out), so the record was read once.
    expect(rest.queries).toHaveLength(1);
    await until(async () => (await storedReplayId()) === replayId, { what: 'the replay id stored' });
  });

  it('stores an UPDATE of OwnerId as ownerChanged with the ChangeEventHeader facts, and routes nothing', async () => {
    const replayId = bayeux.publishChangeEvent(CH, ownerChangeEvent(0, 'tx-owner-0', '0055g000003QrStAAK'));
    await until(async () => (await storedReplayId()) === replayId, { what: 'the owner change stored' });
    const rows = await sql.rows<{ kind: string; status: string; payload: Record<string, unknown> }>(
      `select kind, status, payload from inbound_events where kind = 'ownerChanged'`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.payload).toEqual({
      kind: 'ownerChanged',
      sourceEventId: `tx-owner-0:1:${idOf(0)}`,
      record: { crm: 'salesforce', objectType: 'Lead', id: idOf(0) },
      newOwnerId: '0055g000003QrStAAK',
      changedBy: '0055g000003QrSuAAK', // commitUser
      occurredAt: '2025-07-15T21:12:10.000Z', // commitTimestamp
      transactionKey: 'tx-owner-0',
      // changeOrigin was empty (a person in the UI), so there is no changeSource: not our echo.
    });
    await until(
      async () =>
        (await sql.rows(`select 1 from inbound_events where kind = 'ownerChanged' and status = 'done'`)).length === 1,
      { what: 'the event marked done' },
    );
    expect(writesOf(idOf(0))).toHaveLength(1);
    expect(Number((await sql.rows<{ n: string }>(`select count(*) n from assignments`))[0]!.n)).toBe(1);
  });

  it('resumes from the stored replay id after the worker stops: nothing missed, nothing routed twice', async () => {
    const lastStored = await storedReplayId();
    await sys!.close();
    sys = undefined;
    // Published while no worker listens: only replay brings these back.
    bayeux.publishChangeEvent(CH, createEvent(1, 'tx-create-1'));
    const last = bayeux.publishChangeEvent(CH, createEvent(2, 'tx-create-2'));

    sys = await startWorker();
    expect(bayeux.subscribeRequests.at(-1)).toEqual({ channel: CH, replayId: lastStored });
    await until(() => writesOf(idOf(1)).length === 1 && writesOf(idOf(2)).length === 1, {
      what: 'the replayed leads written',
    });
    await until(async () => (await storedReplayId()) === last, { what: 'the newest replay id stored' });
    // One more live event after the restart, as a barrier for anything still in flight.
    bayeux.publishChangeEvent(CH, createEvent(3, 'tx-create-3'));
    await until(() => writesOf(idOf(3)).length === 1, { what: 'the live lead written' });

    expect(records.map((r) => writesOf(r.Id as string).length)).toEqual([1, 1, 1, 1]);
    const assigned = await sql.rows<{ record_id: string; n: string }>(
      `select e.record_id, count(*) n from assignments a join inbound_events e on e.id = a.event_id group by e.record_id order by e.record_id`,
    );
    expect(assigned).toEqual(
      records
        .map((r) => ({ record_id: r.Id as string, n: '1' }))
        .sort((a, b) => a.record_id.localeCompare(b.record_id)),
    );
    // Round robin continued across the restart: ana, then bo and cy (the two replayed), then ana.
    const owners = records.map((r) => writesOf(r.Id as string)[0]!.fields['OwnerId']);
    expect([owners[0], [owners[1], owners[2]].sort(), owners[3]]).toEqual([
      '0055g00000AnaAAAA1',
      ['0055g00000BoCAAAA2', '0055g00000CyOAAAA3'],
      '0055g00000AnaAAAA1',
    ]);
  });
});
