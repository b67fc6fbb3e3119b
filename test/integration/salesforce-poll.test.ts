// The polling fallback run by a worker (streams.poll in the Salesforce config): new records found
// by SOQL are stored and routed once, the watermark is kept in connector_state, and a restarted
// worker polls from the stored watermark (minus the overlap) instead of the initial look-back.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Env } from '../../src/config/index.js';
import { root } from '../support/cli.js';
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

const WATERMARK_KEY = 'salesforce:poll-watermark:Lead';
const recent = (agoMs: number) => new Date(Date.now() - agoMs).toISOString();
const records: Array<Record<string, string | number | boolean | null>> = [
  {
    ...aLeadRecord(0, 'P'),
    CreatedDate: recent(60_000),
    SystemModstamp: recent(50_000),
    LastModifiedById: '0055g000003QrStAAK',
  },
  {
    ...aLeadRecord(1, 'P'),
    CreatedDate: recent(40_000),
    SystemModstamp: recent(30_000),
    LastModifiedById: '0055g000003QrStAAK',
  },
];

let tdb: TestDatabase;
let rest: SalesforceStandin;
let env: Env;
let sys: TestSystem | undefined;
let sql: Awaited<ReturnType<typeof sqlClient>>;

beforeAll(async () => {
  tdb = await createTestDatabase();
  rest = await startSalesforceStandin(standinOrg(records));
  env = testEnv(tdb.url, {
    SALESFORCE_CONFIG: standinSalesforceConfig(rest.url, { streams: { poll: { intervalMs: 1000 } } }),
    CONFIG_FILE: `${root}fixtures/config/salesforce-e2e.yaml`,
  });
  sql = await sqlClient(tdb.url);
});

afterAll(async () => {
  await sys?.close();
  await cleanupQueue(env);
  await sql?.end();
  await rest?.close();
  await tdb?.drop();
});

const polls = () => rest.queries.filter((q) => q.includes('WHERE SystemModstamp >'));
const writesOf = (id: unknown) => rest.writes.filter((w) => w.id === id);

it('routes polled new records once, keeps the watermark in Postgres, and resumes from it after a restart', async () => {
  sys = await startSystem(env, { migrate: true });
  await sys.rt.startWorking();
  await until(() => records.every((r) => writesOf(r['Id']).length === 1), { what: 'both polled leads written' });
  const newest = new Date(records[1]!['SystemModstamp'] as string).toISOString();
  await until(
    async () =>
      (await sql.rows(`select value from connector_state where key = $1`, [WATERMARK_KEY]))[0]?.value === newest,
    { what: 'the watermark stored' },
  );
  const events = await sql.rows(`select source, source_event_id, kind from inbound_events order by source_event_id`);
  expect(events).toEqual(
    records.map((r) => ({ source: 'salesforce', source_event_id: `poll:Lead:${r['Id']}:created`, kind: 'created' })),
  );

  await sys.close();
  sys = undefined;
  const seen = polls().length;
  sys = await startSystem(env);
  await sys.rt.startWorking();
  await until(() => polls().length > seen, { what: 'a poll by the restarted worker' });
  // From the stored watermark minus the 60 s overlap, not from the one-hour initial look-back.
  const since = new Date(Date.parse(newest) - 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  expect(polls()[seen]).toContain(`WHERE SystemModstamp > ${since} `);
  // The stand-in answers every poll with both records again: their event ids repeat, so nothing is routed twice.
  await until(() => polls().length > seen + 1, { timeoutMs: 5000, what: 'a second poll' });
  expect(records.map((r) => writesOf(r['Id']).length)).toEqual([1, 1]);
  expect(await sql.rows(`select count(*)::int n from assignments`)).toEqual([{ n: 2 }]);
});
