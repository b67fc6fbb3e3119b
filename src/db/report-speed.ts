// Speed to lead over lead_reports (docs/reports.md): exact percentiles (percentile_disc: each one
// is a duration some lead really had) over a period of received_at, overall and per stage, and per
// day or week. Each query runs in a transaction of its own with a larger work_mem, so sorting a
// year of leads stays in memory instead of spilling to disk.
import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Db } from './client.js';

export interface ReportPeriod {
  from: Date;
  to: Date;
}

export interface SpeedFilter extends ReportPeriod {
  bucket: 'day' | 'week';
  crm?: string | undefined;
  pool?: string | undefined;
  source?: string | undefined;
}

export interface Percentiles {
  p50_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
}

export const speedStages = [
  'created_to_received',
  'received_to_decided',
  'decided_to_written',
  'written_to_confirmed',
] as const;
export type SpeedStage = (typeof speedStages)[number];

export interface SpeedRows {
  overall: Percentiles & { count: number };
  stages: Record<SpeedStage, Percentiles & { count: number }>;
  buckets: Array<Percentiles & { start: Date; count: number }>;
}

/** Sorting a year of durations in memory: 1M bigint keys need ~40 MB. */
export const reportWorkMem = '128MB';

/** Runs one report read with the work_mem it needs (set local: this transaction only). */
export async function readReport<T>(db: Db, read: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql.raw(`set local work_mem = '${reportWorkMem}'`));
    return read(tx as unknown as Db);
  });
}

/** Milliseconds from a to b, never negative (a CRM clock ahead of ours reads as 0). */
// date_part is float8 (extract is numeric, several times slower over a year of rows); null when either end is.
// (greatest() would turn null into 0: a case keeps "not reached yet" null.)
const ms = (a: SQL, b: SQL) => {
  const d = sql`round(date_part('epoch', ${b} - ${a}) * 1000)`;
  return sql`(case when ${d} < 0 then 0 else ${d} end)::bigint`;
};
const total = ms(sql`coalesce(crm_created_at, received_at)`, sql`written_at`);
const stageSql: Record<SpeedStage, SQL> = {
  created_to_received: ms(sql`crm_created_at`, sql`received_at`),
  received_to_decided: ms(sql`received_at`, sql`decided_at`),
  decided_to_written: ms(sql`decided_at`, sql`written_at`),
  written_to_confirmed: ms(sql`written_at`, sql`confirmed_at`),
};

const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;

function whereOf(f: SpeedFilter): SQL {
  const parts: SQL[] = [sql`received_at >= ${ts(f.from)}`, sql`received_at < ${ts(f.to)}`];
  if (f.crm) parts.push(sql`crm = ${f.crm}`);
  if (f.pool) parts.push(sql`pool_id = ${f.pool}`);
  if (f.source) parts.push(sql`source = ${f.source}`);
  return sql.join(parts, sql` and `);
}

const pct = (e: SQL) => sql`percentile_disc(array[0.5, 0.95, 0.99]) within group (order by ${e})`;
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const triple = (arr: unknown): Percentiles => {
  const a = (
    typeof arr === 'string' ? JSON.parse(arr.replace('{', '[').replace('}', ']')) : arr
  ) as Array<unknown> | null;
  return { p50_ms: num(a?.[0]), p95_ms: num(a?.[1]), p99_ms: num(a?.[2]) };
};

/**
 * Above this many leads in the period, percentiles are read from a sample of the table's pages
 * (TABLESAMPLE SYSTEM, repeatable) sized to about this many of the period's leads: sorting a year
 * of leads for each percentile costs seconds, while 30,000 leads put a percentile's rank within
 * about 0.1 percentage point of the true one. Counts are always exact (a scan with no sort).
 */
export const speedSampleLeads = 30_000;

export async function readSpeedToLead(db: Db, f: SpeedFilter): Promise<SpeedRows> {
  const where = whereOf(f);
  // date_bin on the timestamptz itself (integer arithmetic, no time zone conversion per row); the
  // origin is a Monday 00:00 UTC, so weeks are ISO weeks.
  const bucketOf = sql.raw(
    `date_bin('${f.bucket === 'week' ? '7 days' : '1 day'}', received_at, timestamptz '2001-01-01 00:00:00+00')`,
  );
  // The period's size (index-only on received_at) sizes the sample; the filters then apply to it.
  const [sized] = rowsOf<{ n: number }>(
    await db.execute(
      sql`select count(*)::int as n from lead_reports where received_at >= ${ts(f.from)} and received_at < ${ts(f.to)}`,
    ),
  );
  const inPeriod = Number(sized?.n ?? 0);
  const from =
    inPeriod > speedSampleLeads
      ? sql.raw(`lead_reports tablesample system (${((100 * speedSampleLeads) / inPeriod).toFixed(4)}) repeatable (17)`)
      : sql`lead_reports`;
  const [counted, head, buckets] = await Promise.all([
    // Exact counts: overall, each stage, each bucket, in one scan.
    readReport(db, async (tx) =>
      rowsOf<Record<string, unknown>>(
        await tx.execute(sql`
          select ${bucketOf} as start, count(written_at)::int as n, count(crm_created_at)::int as created_to_received_n,
            count(*)::int as received_to_decided_n, count(written_at)::int as decided_to_written_n,
            count(confirmed_at)::int as written_to_confirmed_n
          from lead_reports where ${where} group by 1 order by 1`),
      ),
    ),
    readReport(db, async (tx) => {
      const cols = speedStages.map((s) => sql`${pct(stageSql[s])} as ${sql.identifier(s)}`);
      const [r] = rowsOf<Record<string, unknown>>(
        await tx.execute(sql`select ${pct(total)} as total, ${sql.join(cols, sql`, `)} from ${from} where ${where}`),
      );
      return r!;
    }),
    readReport(db, async (tx) =>
      rowsOf<{ start: Date | string; p: unknown }>(
        await tx.execute(sql`
          select ${bucketOf} as start, ${pct(total)} as p
          from ${from} where ${where} and written_at is not null
          group by 1 order by 1`),
      ),
    ),
  ]);
  const sum = (k: string) => counted.reduce((n, r) => n + Number(r[k]), 0);
  const pcts = new Map(buckets.map((b) => [new Date(b.start).getTime(), triple(b.p)]));
  return {
    overall: { count: sum('n'), ...triple(head.total) },
    stages: Object.fromEntries(
      speedStages.map((s) => [s, { count: sum(`${s}_n`), ...triple(head[s]) }]),
    ) as SpeedRows['stages'],
    buckets: counted
      .filter((b) => Number(b.n) > 0)
      .map((b) => {
        const start = new Date(b.start as string);
        return {
          start,
          count: Number(b.n),
          // A bucket the sample missed has its count but no percentiles.
          ...(pcts.get(start.getTime()) ?? { p50_ms: null, p95_ms: null, p99_ms: null }),
        };
      }),
  };
}
