// Years of history in a few statements, for bench:growth and the plan tests (test/integration/
// history-plans.test.ts): leads routed and written long ago, each with its event, assignment and
// done outbox row, shaped like real ones (a lead's personal fields, a decision with its trace),
// spread over the `spanDays` before `until`. Rows are made server-side (INSERT ... SELECT
// generate_series, nothing crosses the wire) in chunks, one transaction each.
//
// Loading 10,000,000 leads into tables that keep their keys, indexes and foreign keys took ~65
// minutes: every row updated ~20 B-trees at random places (md5 ids) far larger than shared_buffers,
// and checked four foreign keys. So the tables' indexes and constraints are read from the catalog,
// dropped, the rows loaded (two tables at a time when `db` is a pool of two or more), and then put
// back from the same definitions (same names, same columns, same partial predicates: the indexes of
// production, built by sorting instead of by insertion), the foreign keys validated, and the tables
// vacuumed and analysed, as autovacuum would have done to history that old.
import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Db, type DbOrTx } from './client.js';

const seeded = ['inbound_events', 'leads', 'assignments', 'outbox'] as const;

/** Seconds spent per phase, for the bench's JSON. */
export interface SeedTimings {
  drop_s: number;
  load_s: number;
  indexes_s: number;
  foreign_keys_s: number;
  vacuum_analyze_s: number;
}

export async function seedHistory(
  db: Db,
  opts: {
    leads: number;
    until: Date;
    spanDays: number;
    chunk?: number;
    onChunk?: (done: number) => void;
    /** Statements run at once (load, index builds); at most the pool's size. Default 2. */
    parallel?: number;
  },
): Promise<SeedTimings> {
  const chunk = opts.chunk ?? 250_000;
  const parallel = Math.max(1, opts.parallel ?? 2);
  const timings: SeedTimings = { drop_s: 0, load_s: 0, indexes_s: 0, foreign_keys_s: 0, vacuum_analyze_s: 0 };
  const timed = async (phase: keyof SeedTimings, f: () => Promise<void>) => {
    const t0 = Date.now();
    await f();
    timings[phase] = Math.round((Date.now() - t0) / 100) / 10;
  };
  await db.execute(sql`
    insert into config_versions (version, document, author, message, diff)
    values (0, '{}', 'history', 'seeded history', '{}') on conflict do nothing`);

  const kept = await keysAndIndexes(db);
  await timed('drop_s', async () => {
    for (const c of kept.foreignKeys) await db.execute(sql.raw(`alter table ${c.table} drop constraint ${c.name}`));
    for (const c of kept.keys) await db.execute(sql.raw(`alter table ${c.table} drop constraint ${c.name}`));
    for (const i of kept.indexes) await db.execute(sql.raw(`drop index ${i.name}`));
  });

  await timed('load_s', async () => {
    for (let from = 1; from <= opts.leads; from += chunk) {
      const to = Math.min(opts.leads, from + chunk - 1);
      await inParallel(parallel, inserts(opts, from, to), (q) => db.execute(q));
      opts.onChunk?.(to);
    }
  });

  // Sorted builds with room to sort in memory; each statement its own transaction (set local).
  const withMemory = (statement: string) =>
    db.transaction(async (tx) => {
      await tx.execute(sql`set local maintenance_work_mem = '512MB'`);
      await tx.execute(sql`set local work_mem = '256MB'`);
      await tx.execute(sql.raw(statement));
    });
  await timed('indexes_s', () =>
    inParallel(
      parallel,
      [
        ...kept.keys.map((c) => `alter table ${c.table} add constraint ${c.name} ${c.definition}`),
        ...kept.indexes.map((i) => i.definition),
      ],
      withMemory,
    ),
  );
  await timed('foreign_keys_s', () =>
    inParallel(
      parallel,
      kept.foreignKeys.map((c) => `alter table ${c.table} add constraint ${c.name} ${c.definition}`),
      withMemory,
    ),
  );
  await timed('vacuum_analyze_s', () =>
    inParallel(parallel, [...seeded], (t) => db.execute(sql.raw(`vacuum (analyze) ${t}`))),
  );
  return timings;
}

interface Kept {
  /** Primary keys and unique constraints of the seeded tables. */
  keys: Array<{ table: string; name: string; definition: string }>;
  /** Foreign keys of, or pointing at, the seeded tables (from any table). */
  foreignKeys: Array<{ table: string; name: string; definition: string }>;
  /** The seeded tables' other indexes, as CREATE INDEX statements. */
  indexes: Array<{ name: string; definition: string }>;
}

async function keysAndIndexes(db: Db): Promise<Kept> {
  const names = `{${seeded.join(',')}}`;
  const constraints = rowsOf<{ table: string; name: string; type: string; definition: string }>(
    await db.execute(sql`
      select c.conrelid::regclass::text as table, quote_ident(c.conname) as name, c.contype as type,
             pg_get_constraintdef(c.oid) as definition
      from pg_constraint c
      where c.contype in ('p', 'u', 'f')
        and (c.conrelid = any(${names}::regclass[]) or (c.contype = 'f' and c.confrelid = any(${names}::regclass[])))
      order by c.conrelid::regclass::text, c.conname`),
  );
  const indexes = rowsOf<{ name: string; definition: string }>(
    await db.execute(sql`
      select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as definition
      from pg_index i
      where i.indrelid = any(${names}::regclass[])
        and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid and c.conrelid = i.indrelid)
      order by 1`),
  );
  return {
    keys: constraints.filter((c) => c.type !== 'f'),
    foreignKeys: constraints.filter((c) => c.type === 'f'),
    indexes,
  };
}

/** Runs `f` over `items`, at most `n` at once. */
async function inParallel<T>(n: number, items: readonly T[], f: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await f(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, lane));
}

/** The four tables' rows for leads from..to. n -> a time in the span, oldest first; ids derived from n so the tables join up. */
function inserts(opts: { leads: number; until: Date; spanDays: number }, from: number, to: number): SQL[] {
  const spanSeconds = opts.spanDays * 86_400;
  const at = sql`(${opts.until}::timestamptz - ((${opts.leads}::bigint - n) * ${spanSeconds}::bigint / ${opts.leads}::bigint + 60) * interval '1 second')`;
  const series = sql`generate_series(${from}::bigint, ${to}::bigint) n`;
  return [
    sql`
      insert into inbound_events (id, source, source_event_id, kind, crm, object_type, record_id, payload, status, attempts, received_at, processed_at)
      select md5('he' || n)::uuid, 'api:history', 'h' || n, 'created', 'api', 'lead', 'h' || n,
             jsonb_build_object('source', 'history', 'idempotencyKey', 'h' || n, 'lead',
               jsonb_build_object('email', 'lead' || n || '@company' || (n % 5000) || '.example', 'firstName', 'First' || n,
                 'lastName', 'Last' || n, 'phone', '+49 30 ' || n, 'country', 'DE', 'score', n % 100)),
             'done', 1, ${at}, ${at} + interval '200 milliseconds'
      from ${series}`,
    sql`
      insert into leads (id, crm, object_type, record_id, data, owner_rep_id, crm_owner_id, owner_since, created_at, updated_at)
      select md5('hl' || n)::uuid, 'api', 'lead', 'h' || n,
             jsonb_build_object('source', jsonb_build_object('crm', 'api', 'objectType', 'lead', 'id', 'h' || n),
               'email', 'lead' || n || '@company' || (n % 5000) || '.example', 'firstName', 'First' || n, 'lastName', 'Last' || n,
               'phone', '+49 30 ' || n, 'emailDomain', 'company' || (n % 5000) || '.example', 'freeEmail', false,
               'country', 'DE', 'score', n % 100, 'custom', '{}'::jsonb),
             'rep' || (n % 50), 'crm' || (n % 50), ${at}, ${at}, ${at}
      from ${series}`,
    sql`
      insert into assignments (id, event_id, lead_id, outcome, rep_id, crm_owner_id, pool_id, rule_id, reason_code, decision, config_version, created_at)
      select md5('ha' || n)::uuid, md5('he' || n)::uuid, md5('hl' || n)::uuid, 'assigned', 'rep' || (n % 50), 'crm' || (n % 50),
             'inbound', 'everyone', 'ROUND_ROBIN_NEXT',
             jsonb_build_object('kind', 'assigned', 'ownerId', 'rep' || (n % 50), 'ruleId', 'everyone', 'poolId', 'inbound',
               'code', 'ROUND_ROBIN_NEXT', 'reasons', '[]'::jsonb,
               'trace', jsonb_build_object('rules', jsonb_build_array(jsonb_build_object('ruleId', 'everyone', 'matched', true,
                 'checks', jsonb_build_array(jsonb_build_object('field', 'country', 'op', 'eq', 'expected', 'DE', 'saw', 'DE', 'result', true)))))),
             0, ${at} + interval '100 milliseconds'
      from ${series}`,
    sql`
      insert into outbox (id, assignment_id, lead_id, crm, object_type, record_id, owner_id, status, attempts, created_at, done_at, crm_response)
      select md5('ho' || n)::uuid, md5('ha' || n)::uuid, md5('hl' || n)::uuid, 'api', 'lead', 'h' || n, 'crm' || (n % 50),
             'done', 1, ${at} + interval '100 milliseconds', ${at} + interval '200 milliseconds', '{"ok": true}'::jsonb
      from ${series}`,
  ];
}

/** Bytes on disk per table, indexes and TOAST included (pg_total_relation_size). */
export async function tableSizes(db: DbOrTx, tables: string[]): Promise<Record<string, number>> {
  const rows = rowsOf<{ name: string; bytes: string }>(
    await db.execute(sql`
      select t as name, pg_total_relation_size(t::regclass) as bytes
      from unnest(${`{${tables.join(',')}}`}::text[]) t`),
  );
  return Object.fromEntries(rows.map((r) => [r.name, Number(r.bytes)]));
}

/**
 * After a seed, before anything is measured: a CHECKPOINT, so the seed's dirty buffers are written now
 * and not by the checkpointer during a measured run, and the seeded tables analysed, as a database long
 * in service has been (the seed vacuums and analyses them itself; this covers a run's own inserts too).
 */
export async function settleHistory(db: DbOrTx): Promise<void> {
  await db.execute(sql.raw(`analyze ${seeded.join(', ')}`));
  await db.execute(sql`checkpoint`);
}
