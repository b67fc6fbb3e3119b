// The routing path reads inbound_events by its key at every size, not only once the table is big:
// with a few thousand rows (the first minutes of a busy day, a bench's run) an id list matched by
// `in (select jsonb_array_elements_text(...))` is estimated at 100 rows and was hashed against a
// scan of the whole table, twice per routing batch. history-plans.test.ts checks 20,000 rows, where
// the planner already chose the index. Counted by Postgres (pg_stat_user_tables.seq_scan).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openPostgres, seedHistory } from '../../src/db/index.js';
import { createTestDatabase, sqlClient, untilOtherBackendsGone, type TestDatabase } from '../support/services.js';
import {
  cleanupQueue,
  postLead,
  startSystem,
  testEnv,
  untilApiLeadsWritten,
  type TestSystem,
} from '../support/system.js';

let tdb: TestDatabase;
let sys: TestSystem | undefined;
let sql: Awaited<ReturnType<typeof sqlClient>>;

beforeAll(async () => {
  tdb = await createTestDatabase();
  sql = await sqlClient(tdb.url);
  const handle = await openPostgres(tdb.url, { poolSize: 2 });
  await handle.migrate();
  await seedHistory(handle.db, { leads: 3_000, until: new Date(), spanDays: 30, chunk: 3_000 });
  await handle.close();
});

afterAll(async () => {
  await sys?.close();
  if (sys) await cleanupQueue(sys.rt.env);
  await sql?.end();
  await tdb?.drop();
});

it('routes and writes back a batch beside 3,000 events without a scan of inbound_events', async () => {
  sys = await startSystem(testEnv(tdb.url), { working: true, migrate: true });
  await sql.rows(`select pg_stat_reset()`);
  const keys = Array.from({ length: 20 }, (_, i) => `small-${String(i).padStart(4, '0')}`);
  await Promise.all(keys.map((key) => postLead(sys!.app, key)));
  await untilApiLeadsWritten(sql, keys);
  await sys.close();
  sys = undefined;
  await untilOtherBackendsGone(sql); // their counters are flushed as they exit
  const [events] = await sql.rows<{ seq_scan: string; idx_scan: string }>(
    `select seq_scan, idx_scan from pg_stat_user_tables where relname = 'inbound_events'`,
  );
  expect(Number(events!.idx_scan)).toBeGreaterThan(0);
  expect(Number(events!.seq_scan)).toBe(0);
});
