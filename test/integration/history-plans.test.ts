// History does not slow the hot path: with 20,000 leads of history (each with its event, assignment
// and written owner; analysed, as autovacuum would), intake, routing, write-back, the sweeper, the
// backlog gauges and retention read the big tables only through indexes, and the rows routing adds
// take time-ordered ids (their inserts land on the indexes' rightmost leaves, not on random ones). Checked from Postgres' own counters
// (pg_stat_user_tables.seq_scan, flushed when the service's connections close), so every query of
// the path counts, however it is built, and no plan text is matched.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { backlogAge, countBacklog, openPostgres, pipelineSettled, seedHistory } from '../../src/db/index.js';
import { retentionOnce, sweepOnce } from '../../src/pipeline/index.js';
import { createTestDatabase, sqlClient, untilOtherBackendsGone, type TestDatabase } from '../support/services.js';
import {
  cleanupQueue,
  leadBody,
  postLead,
  startSystem,
  testApiKey,
  testEnv,
  untilApiLeadsWritten,
  type TestSystem,
} from '../support/system.js';

const historical = 20_000;
const keys = Array.from({ length: 20 }, (_, i) => `plan-${String(i).padStart(4, '0')}`);
const big = ['inbound_events', 'leads', 'assignments', 'outbox'];
let tdb: TestDatabase;
let sys: TestSystem | undefined;
let sql: Awaited<ReturnType<typeof sqlClient>>;
let migrated: Catalog;

/** The big tables' indexes and constraints (and the foreign keys pointing at them), as the catalog defines them. */
type Catalog = { indexes: unknown[]; constraints: unknown[] };
const catalog = async (): Promise<Catalog> => ({
  indexes: await sql.rows(
    `select tablename, indexname, indexdef from pg_indexes where tablename = any($1) order by 1, 2`,
    [big],
  ),
  constraints: await sql.rows(
    `select conrelid::regclass::text tbl, conname, pg_get_constraintdef(oid) def, convalidated from pg_constraint
     where conrelid = any($1::regclass[]) or confrelid = any($1::regclass[]) order by 1, 2`,
    [big],
  ),
});

beforeAll(async () => {
  tdb = await createTestDatabase();
  sql = await sqlClient(tdb.url);
  const handle = await openPostgres(tdb.url, { poolSize: 2 });
  await handle.migrate();
  migrated = await catalog();
  // The seed drops the tables' keys and indexes to load fast, and puts them back.
  await seedHistory(handle.db, { leads: historical, until: new Date(), spanDays: 730, chunk: 10_000 });
  await handle.close();
});

it('seeding leaves the tables with the indexes and constraints the migrations made, foreign keys validated', async () => {
  expect(await catalog()).toEqual(migrated);
  expect(migrated.indexes.length).toBeGreaterThan(10);
});

afterAll(async () => {
  await sys?.close();
  if (sys) await cleanupQueue(sys.rt.env);
  await sql?.end();
  await tdb?.drop();
});

const seqScans = async () =>
  Object.fromEntries(
    (
      await sql.rows<{ relname: string; seq_scan: string }>(
        `select relname, seq_scan from pg_stat_user_tables where relname = any($1) order by relname`,
        [big],
      )
    ).map((r) => [r.relname, Number(r.seq_scan)]),
  );

it('intake, routing, write-back, the sweeper, the backlog gauges and retention scan none of the big tables beside 20,000 leads of history', async () => {
  sys = await startSystem(testEnv(tdb.url), { working: true, migrate: true });
  await sql.rows(`select pg_stat_reset()`);
  for (const key of keys) await postLead(sys.app, key);
  await untilApiLeadsWritten(sql, keys);
  // A client retrying: the same keys again are answered from the stored events.
  const again = await Promise.all(
    keys.map((key) =>
      sys!.app.inject({
        method: 'POST',
        url: '/v1/leads',
        headers: { 'x-api-key': testApiKey },
        payload: leadBody(key),
      }),
    ),
  );
  expect(again.map((r) => r.statusCode)).toEqual(keys.map(() => 200));
  const deps = sys.rt.deps;
  await sweepOnce(deps, { olderThanMs: 1000 });
  // What every /metrics scrape and /readyz probe reads (the backlog gauges), and a drain's poll.
  const db = deps.db;
  expect(await countBacklog(db)).toEqual([]);
  expect(await backlogAge(db)).toMatchObject({ unroutedEventSeconds: null, pendingWriteSeconds: null });
  expect(await pipelineSettled(db)).toBe(true);
  // History up to two years old: the first batches of retention run over it.
  const purged = await retentionOnce(deps, { days: 365, batch: 500, maxBatches: 2 });
  expect(purged).toMatchObject({ events: 1000, leads: 1000 });
  await sys.close();
  sys = undefined;
  await untilOtherBackendsGone(sql); // their counters are flushed as they exit
  const scans = await seqScans();
  // The counters did count (the path read these tables)...
  const [reads] = await sql.rows<{ n: string }>(
    `select sum(idx_scan) n from pg_stat_user_tables where relname = any($1)`,
    [big],
  );
  expect(Number(reads!.n)).toBeGreaterThan(0);
  // ...and not one read was a scan of a whole table.
  expect(scans).toEqual({ assignments: 0, inbound_events: 0, leads: 0, outbox: 0 });
});

it('the rows routing added have time-ordered ids: UUIDv7, the millisecond they were made, then random bits', async () => {
  const rows = await sql.rows<{ id: string; at: Date }>(
    `select l.id::text, l.created_at as at from leads l where (l.crm, l.object_type) = ('api', 'lead') and l.record_id = any($1)
     union all select a.id::text, a.created_at from assignments a join leads l on l.id = a.lead_id where l.record_id = any($1)
     union all select o.id::text, o.created_at from outbox o join leads l on l.id = o.lead_id where l.record_id = any($1)
     union all select e.id::text, e.received_at from inbound_events e join assignments a on a.event_id = e.id
       join leads l on l.id = a.lead_id where l.record_id = any($1)`,
    [keys],
  );
  expect(rows).toHaveLength(4 * keys.length);
  for (const r of rows) {
    expect(r.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const madeAt = parseInt(r.id.replace(/-/g, '').slice(0, 12), 16);
    expect(Math.abs(madeAt - r.at.getTime())).toBeLessThan(60_000);
  }
});
