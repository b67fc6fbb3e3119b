// The lead APIs read through indexes, not scans and sorts (src/db/schema.ts): GET /v1/leads's
// page and cursor (leads_created_idx read backwards), its email search (leads_email_idx), and
// GET /v1/leads/latest/decision (assignments_created_idx), and the waiting leads routing reads
// before every batch (inbound_events_queued_idx). EXPLAIN on 5,000 leads, analysed, so
// the planner chooses as it would on a real table rather than seq-scanning a tiny one.
import { sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  claimDueOutboxRows,
  countBacklog,
  listLeads,
  openPostgres,
  storeInboundEvents,
  type Db,
  type DbHandle,
} from '../../src/db/index.js';
import { createTestDatabase, sqlClient, type TestDatabase } from '../support/services.js';

let tdb: TestDatabase;
let handle: DbHandle;
let client: Awaited<ReturnType<typeof sqlClient>>;

beforeAll(async () => {
  tdb = await createTestDatabase();
  handle = await openPostgres(tdb.url, { poolSize: 2 });
  await handle.migrate();
  client = await sqlClient(tdb.url);
  await client.query(`
    insert into config_versions (version, document, author, message, diff) values (1, '{}', 'test', 'test', '{}');
    insert into inbound_events (id, source, source_event_id, kind, crm, object_type, record_id, payload, status, received_at)
      select md5('e' || n)::uuid, 'api:test', 'k' || n, 'created', 'api', 'lead', 'r' || n, '{}', 'done', now() - n * interval '1 second'
      from generate_series(1, 5000) n;
    insert into leads (id, crm, object_type, record_id, data, created_at)
      select md5('l' || n)::uuid, 'api', 'lead', 'r' || n, jsonb_build_object('email', 'Lead' || n || '@Acme.example'), now() - n * interval '1 second'
      from generate_series(1, 5000) n;
    insert into assignments (event_id, lead_id, outcome, reason_code, decision, config_version, created_at)
      select md5('e' || n)::uuid, md5('l' || n)::uuid, 'assigned', 'ROUND_ROBIN_NEXT', '{}', 1, now() - n * interval '1 second'
      from generate_series(1, 5000) n;
    insert into outbox (assignment_id, lead_id, crm, object_type, record_id, owner_id, status, attempts, created_at, done_at)
      select gen_random_uuid(), md5('l' || n)::uuid, 'api', 'lead', 'r' || n, 'o1', 'done', 1, now() - n * interval '1 second', now()
      from generate_series(1, 5000) n;
    analyze leads; analyze assignments; analyze inbound_events; analyze outbox;`);
});

afterAll(async () => {
  await client?.end();
  await handle?.close();
  await tdb?.drop();
});

/** The plan of the statement `run` sends through db.execute: the real query text, EXPLAINed instead of run. */
async function planOf(run: (db: Db) => Promise<unknown>): Promise<string> {
  let plan = '';
  const keep = (res: unknown) => {
    plan = (res as { rows: Array<{ 'QUERY PLAN': string }> }).rows.map((r) => r['QUERY PLAN']).join('\n');
    return { rows: [] };
  };
  // executeNamed (src/db/client.ts) prepares through the session, not execute(): explain there too.
  type Prepare = (q: { sql: string; params: unknown[] }, ...rest: unknown[]) => { execute(): Promise<unknown> };
  const session = (handle.db as unknown as { session: { prepareQuery: Prepare } }).session;
  const explainingSession = new Proxy(session, {
    get(target, prop, receiver) {
      if (prop !== 'prepareQuery') return Reflect.get(target, prop, receiver);
      return (q: { sql: string; params: unknown[] }, fields: unknown, name: string, arrayMode: boolean) => {
        const prepared = target.prepareQuery(
          { sql: `explain (costs off) ${q.sql}`, params: q.params },
          fields,
          `${name}_explain`,
          arrayMode,
        );
        return { execute: async () => keep(await prepared.execute()) };
      };
    },
  });
  const explaining = new Proxy(handle.db, {
    get(target, prop, receiver) {
      if (prop === 'session') return explainingSession;
      if (prop !== 'execute') return Reflect.get(target, prop, receiver);
      return async (query: SQL) => keep(await target.execute(sql`explain (costs off) ${query}`));
    },
  });
  await run(explaining);
  return plan;
}

it('lists the newest leads in index order: no sort, no scan of the whole table, first page and cursor alike', async () => {
  const first = await planOf((db) => listLeads(db, {}, undefined, 51));
  expect(first).toMatch(/Index Scan Backward using leads_created_idx on leads l/);
  expect(first).not.toMatch(/Sort|Seq Scan on leads/);
  const next = await planOf((db) =>
    listLeads(
      db,
      {},
      {
        createdAt: new Date(Date.now() - 2_500_000).toISOString().replace('Z', '000Z'),
        id: '00000000-0000-0000-0000-000000000000',
      },
      51,
    ),
  );
  expect(next).toMatch(
    /Index Scan Backward using leads_created_idx on leads l\n\s+Index Cond: \(ROW\(created_at, id\) < ROW/,
  );
  expect(next).not.toMatch(/Sort|Seq Scan on leads/);
});

it('searches by email through the lower(email) index', async () => {
  const plan = await planOf((db) => listLeads(db, { email: 'LEAD42@acme.example' }, undefined, 51));
  expect(plan).toMatch(/leads_email_idx/);
  expect(plan).not.toMatch(/Seq Scan on leads/);
});

it('finds the newest decision of all by reading assignments_created_idx backwards', async () => {
  // The statement latestDecision (src/db/lead-queries.ts) builds: its order and limit.
  const rows = await client.rows<{ 'QUERY PLAN': string }>(`
    explain (costs off) select a.id, a.lead_id, a.decision from assignments a join inbound_events e on e.id = a.event_id
    order by a.created_at desc, a.id desc limit 1`);
  const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
  expect(plan).toMatch(/Index Scan Backward using assignments_created_idx on assignments a/);
  expect(plan).not.toMatch(/Sort|Seq Scan on assignments/);
});

it('finds redelivered events by both columns of their key, not by reading the whole index', async () => {
  // planOf answers the insert with no rows, so both events look like redeliveries: the lookup is the last statement.
  const plan = await planOf((db) =>
    storeInboundEvents(
      db,
      ['k1', 'k2'].map((k) => ({
        source: 'api:test',
        sourceEventId: k,
        kind: 'created',
        crm: 'api',
        objectType: 'lead',
        recordId: k,
        payload: {},
      })),
    ),
  );
  expect(plan).toMatch(
    /Index Scan using inbound_events_source_event_uq on inbound_events\n(.*\n)*\s+Index Cond: \(\(source = ANY \(\$\d\)\) AND \(source_event_id = ANY \(\$\d\)\)\)/,
  );
  expect(plan).not.toMatch(/Seq Scan on inbound_events/);
});

it('counts the backlog for the gauges (every /metrics scrape) from the partial indexes, not by reading both tables', async () => {
  const plan = await planOf((db) => countBacklog(db));
  for (const index of [
    'inbound_events_received_idx',
    'inbound_events_due_idx',
    'inbound_events_queued_idx',
    'inbound_events_dead_idx',
    'outbox_pending_idx',
    'outbox_due_idx',
    'outbox_dead_idx',
  ])
    expect(plan).toContain(index);
  expect(plan).not.toMatch(/Seq Scan on (inbound_events|outbox)/);
});

it('reads the waiting leads through inbound_events_queued_idx even when the statistics saw only finished history', async () => {
  // The table was analysed holding only done events, as years of history leave it; then a burst
  // arrives (received, a few queued) before autovacuum analyses again. With received and queued
  // events in one index, the planner read that one (its received_at follows the heap) and sorted.
  await client.query(`
    insert into inbound_events (source, source_event_id, kind, crm, object_type, record_id, payload, status, lead_score, received_at)
      select 'api:test', 'burst' || n, 'created', 'api', 'lead', 'u' || n, '{}',
        case when n % 100 = 0 then 'queued' else 'received' end, n % 7, now() - n * interval '1 millisecond'
      from generate_series(1, 2000) n;`);
  const rows = await client.rows<{ 'QUERY PLAN': string }>(`
    explain (costs off) select id from inbound_events where status = 'queued'
    order by lead_score desc nulls last, received_at asc limit 100`);
  const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
  expect(plan).toMatch(/Index Scan using inbound_events_queued_idx/);
  expect(plan).not.toMatch(/Sort|inbound_events_received_idx|Seq Scan on inbound_events/);
});

it('reads due retries through the due indexes and claims owner writes by id, not by reading every pending row', async () => {
  // Statistics from finished history only (analysed above); then a backlog arrives unanalysed.
  await client.query(`
    insert into outbox (assignment_id, lead_id, crm, object_type, record_id, owner_id, status, created_at)
      select gen_random_uuid(), gen_random_uuid(), 'api', 'lead', 'p' || n, 'o1', 'pending', now() - n * interval '1 millisecond'
      from generate_series(1, 2000) n;`);
  const plans = await Promise.all(
    ['inbound_events', 'outbox'].map(async (table) => {
      // The statement listDueRows (src/db/retries.ts) builds: its filter and order.
      const rows = await client.rows<{ 'QUERY PLAN': string }>(`
        explain (costs off) select id, attempts, next_attempt_at from ${table}
        where status = '${table === 'outbox' ? 'pending' : 'received'}' and next_attempt_at is not null and next_attempt_at <= now()
        order by next_attempt_at asc limit 100`);
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    }),
  );
  expect(plans[0]).toMatch(/Index Scan using inbound_events_due_idx/);
  expect(plans[1]).toMatch(/Index Scan using outbox_due_idx/);
  for (const plan of plans) expect(plan).not.toMatch(/Sort|received_idx|pending_idx|Seq Scan/);
  const claim = await planOf((db) =>
    claimDueOutboxRows(
      db,
      ['00000000-0000-7000-8000-000000000001', '00000000-0000-7000-8000-000000000002'],
      new Date(),
      new Date(Date.now() + 30_000),
    ),
  );
  expect(claim).toMatch(/Index Scan using outbox_pkey on outbox o/);
  expect(claim).not.toMatch(/outbox_pending_idx|outbox_due_idx|Seq Scan on outbox/);
});

it('reads only the leads a full pool holds (inbound_events_queued_idx), not a backlog of received events', async () => {
  await client.query(`
    insert into inbound_events (source, source_event_id, kind, crm, object_type, record_id, payload, status, lead_score, received_at)
      select 'api:test', 'backlog' || n, 'created', 'api', 'lead', 'b' || n, '{}',
        case when n % 100 = 0 then 'queued' else 'received' end, n % 7, now() - n * interval '1 second'
      from generate_series(1, 5000) n;
    analyze inbound_events;`);
  // The statement listQueuedInboundEvents (src/db/inbound-events.ts) builds: its filter, order and limit.
  const rows = await client.rows<{ 'QUERY PLAN': string }>(`
    explain (costs off) select id from inbound_events where status = 'queued'
    order by lead_score desc nulls last, received_at asc limit 100`);
  const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
  // 50 queued among 5,050 pending (and the burst's 2,000): the planner may sort those 50, but reads no other pending row.
  expect(plan).toMatch(/Index Scan on inbound_events_queued_idx|Index Scan using inbound_events_queued_idx/);
  expect(plan).not.toMatch(/inbound_events_received_idx|Seq Scan on inbound_events/);
});
