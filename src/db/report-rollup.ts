// lead_report_days (schema.ts) kept current: each statement that fills lead_reports adds the
// durations it completes, in the same statement (a data-modifying CTE over its RETURNING rows), so
// the rollup commits or rolls back with the rows. Each statement adds the measures whose last end
// it sets (the row it returns has both ends): the first decision adds created_to_received and
// received_to_decided; the first write total, decided_to_written, and written_to_confirmed when the
// echo came first; the first echo written_to_confirmed when the write is recorded. Each end is set
// once (the statements only fill null columns), so each lead counts once per measure. An update
// that waited for another on the same row returns the row as the other left it, so written and
// confirmed landing together still add written_to_confirmed once.
import { sql, type SQL } from 'drizzle-orm';

/** A Db or Tx (client.ts, which calls backfillReportDays after its migrations: not imported, to keep the two acyclic). */
interface Executor {
  execute(query: SQL): PromiseLike<unknown>;
}
import {
  binSql,
  durationSql,
  measuresLateral,
  receivedDaySql,
  speedMeasures,
  type SpeedMeasure,
} from './report-durations.js';

/** pool_id and source of the rows that count every pool or every source (not a config id: those are [A-Za-z0-9_-]). */
export const allKey = '*';

/**
 * The "all pools" rows a routing transaction of a lock partition adds to: `*:<partition key>`, so
 * transactions of two partitions, which run at the same time, never update the same rollup row
 * (one '*' row per day would make each wait for the other's commit). Readers of all pools sum
 * every row whose pool_id starts with '*' (report-speed.ts).
 */
export const allPoolsKeyOf = (lockKey: string) => `${allKey}:${lockKey}`;

/** The measures each statement that fills lead_reports completes (see above). */
export const completedBy = {
  decision: ['created_to_received', 'received_to_decided'],
  write: ['total', 'decided_to_written', 'written_to_confirmed'],
  echo: ['written_to_confirmed'],
} as const satisfies Record<string, readonly SpeedMeasure[]>;

/**
 * An INSERT adding `measures` of `rows` (a FROM item with lead_reports' columns: the table, or
 * a CTE over a RETURNING) where both ends are set, merging bin counts into existing rows. Keys are written in
 * one order so two concurrent statements lock shared rows in the same order.
 */
export function rollUpSql(rows: SQL, measures: readonly SpeedMeasure[], allPools: string = allKey): SQL {
  return sql`
    insert into lead_report_days (day, crm, pool_id, source, stage, n, hist)
    select day, crm, pool_id, source, measure, sum(c)::int, jsonb_object_agg(bin, c)
    from (
      select b.day, b.crm, g.pool_id, g.source, b.measure, b.bin, sum(b.c)::int as c
      from (
        select ${receivedDaySql} as day, crm, coalesce(pool_id, '') as pool_id, source, m.measure,
          ${binSql(sql`m.ms`)} as bin, count(*)::int as c
        from ${rows} ${measuresLateral(measures)}
        where m.ms is not null
        group by 1, 2, 3, 4, 5, 6
      ) b
      -- Each lead also counts under "all pools" and "all sources" ('*'), so a report without those
      -- filters reads one row per day and measure (per lock partition: allPoolsKeyOf) instead of
      -- one per pool and source.
      cross join lateral (values (b.pool_id, b.source), (${allPools}, b.source), (b.pool_id, ${allKey}), (${allPools}, ${allKey}))
        as g(pool_id, source)
      group by 1, 2, 3, 4, 5, 6
    ) x
    group by 1, 2, 3, 4, 5 order by 1, 2, 3, 4, 5
    on conflict (day, crm, pool_id, source, stage) do update set
      n = lead_report_days.n + excluded.n,
      -- Only the statement's own bins are visited, each added to the stored count and laid over
      -- the stored map: a day's row holds up to a few hundred bins, and merging both maps whole
      -- (each_text twice, a union, a group by) cost 2-3x as much per row, twice per routed batch.
      hist = lead_report_days.hist || (
        select jsonb_object_agg(k, v::int + coalesce((lead_report_days.hist ->> k)::int, 0))
        from jsonb_each_text(excluded.hist) e(k, v)
      )`;
}

/** Rebuilds the rollup from lead_reports (the bench's seed; a database that had reports before it). */
export async function rebuildReportDays(db: Executor): Promise<void> {
  await db.execute(sql`delete from lead_report_days`);
  await db.execute(rollUpSql(sql`lead_reports`, speedMeasures));
}

/**
 * After migrations: a database whose lead_reports rows predate lead_report_days (migration 0014)
 * gets them rolled up once; afterwards the writes keep it current.
 */
export async function backfillReportDays(db: Executor): Promise<void> {
  const res = await db.execute(sql`
    select exists (select 1 from lead_reports) as reports, exists (select 1 from lead_report_days) as days`);
  const [r] = ((res as { rows?: unknown[] }).rows ?? (res as unknown as unknown[])) as Array<{
    reports: boolean;
    days: boolean;
  }>;
  if (r?.reports && !r.days) await db.execute(rollUpSql(sql`lead_reports`, speedMeasures));
}

/** A lead whose written -> confirmed step a statement completed (for speed_to_lead_stage_seconds). */
export interface ConfirmedStep {
  crm: string;
  pool: string | null;
  ms: number;
}

/** The statement's tail that answers its ConfirmedSteps: `rows` as in rollUpSql. */
export const confirmedStepsSql = (rows: SQL) => sql`
  select crm, pool_id as pool, ${durationSql.written_to_confirmed}::float8 as ms from ${rows}
  where written_at is not null and confirmed_at is not null`;
