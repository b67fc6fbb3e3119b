// Speed to lead over lead_reports (docs/reports.md), overall and per stage, and per day or week.
// Up to speedExactLeads leads in the period: exact percentiles (percentile_disc: each one is a
// duration some lead really had). Above: the period's whole UTC days from lead_report_days (a
// few thousand rows for a year, whatever the traffic) and the partial days at its ends from
// lead_reports, binned alike; percentiles from the merged histograms, within 2.44 % (+-0.5 ms)
// of the exact ones (report-durations.ts). Counts are exact either way.
import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Db } from './client.js';
import { allKey } from './report-rollup.js';
import {
  binSql,
  binValueMs,
  durationSql,
  measuresLateral,
  receivedDaySql,
  speedMeasures,
  speedStages,
  type SpeedMeasure,
  type SpeedStage,
} from './report-durations.js';

export { speedStages, type SpeedStage } from './report-durations.js';

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

export interface SpeedRows {
  overall: Percentiles & { count: number };
  stages: Record<SpeedStage, Percentiles & { count: number }>;
  buckets: Array<Percentiles & { start: Date; count: number }>;
}

/** Sorting up to speedExactLeads durations in memory, with room. */
export const reportWorkMem = '128MB';

/** Runs one report read with the work_mem it needs (set local: this transaction only). */
export async function readReport<T>(db: Db, read: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql.raw(`set local work_mem = '${reportWorkMem}'`));
    return read(tx as unknown as Db);
  });
}

/** Above this many leads in the period (as the rollup counts its days), percentiles come from histograms. */
export const speedExactLeads = 30_000;

const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;
const DAY = 86_400_000;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** Monday 00:00 UTC of an ISO week, as date_bin('7 days', ..., 2001-01-01) buckets it. */
const weekOf = (day: string) => {
  const t = Date.parse(`${day}T00:00:00Z`);
  return dayOf(t - ((new Date(t).getUTCDay() + 6) % 7) * DAY);
};

function filtersOf(f: SpeedFilter): SQL[] {
  const parts: SQL[] = [];
  if (f.crm) parts.push(sql`crm = ${f.crm}`);
  if (f.pool) parts.push(sql`pool_id = ${f.pool}`);
  if (f.source) parts.push(sql`source = ${f.source}`);
  return parts;
}
const rawWhere = (f: SpeedFilter, from: Date, to: Date) =>
  sql.join([sql`received_at >= ${ts(from)}`, sql`received_at < ${ts(to)}`, ...filtersOf(f)], sql` and `);
/** Rollup rows: a pool or source filter reads its own rows, no filter the rows of all ('*', and '*:<partition>': allPoolsKeyOf). */
const rollupWhere = (f: SpeedFilter, fromDay: string, toDay: string) =>
  sql.join(
    [
      sql`day >= ${fromDay}::date`,
      sql`day < ${toDay}::date`,
      f.pool ? sql`pool_id = ${f.pool}` : sql`left(pool_id, 1) = ${allKey}`,
      sql`source = ${f.source ?? allKey}`,
      ...(f.crm ? [sql`crm = ${f.crm}`] : []),
    ],
    sql` and `,
  );

export async function readSpeedToLead(db: Db, f: SpeedFilter, opts: { exactUpTo?: number } = {}): Promise<SpeedRows> {
  // The days the period touches, whole or not: their leads size it, the whole ones answer it.
  const firstDay = Math.floor(f.from.getTime() / DAY) * DAY;
  const endDay = Math.ceil(f.to.getTime() / DAY) * DAY;
  const wholeFrom = Math.ceil(f.from.getTime() / DAY) * DAY;
  const wholeTo = Math.max(wholeFrom, Math.floor(f.to.getTime() / DAY) * DAY);
  const days = rowsOf<{ day: string; stage: SpeedMeasure; n: number; hist: Record<string, number> }>(
    await db.execute(sql`
      select day::text as day, stage, n, hist from lead_report_days
      where ${rollupWhere(f, dayOf(firstDay), dayOf(endDay))}`),
  );
  const touched = days.reduce((n, d) => n + (d.stage === 'received_to_decided' ? Number(d.n) : 0), 0);
  if (touched <= (opts.exactUpTo ?? speedExactLeads)) return readExactSpeedToLead(db, f);

  // Merged histograms (count per bin, by index): each measure over the period, and total per bucket.
  // Whole days come from the rollup, partial days from lead_reports, binned alike.
  const merged = new Map<string, number[]>(speedMeasures.map((m) => [m, []]));
  const buckets = new Map<string, number[]>();
  const targetsOf = (day: string, m: string): number[][] => {
    const into = [merged.get(m)!];
    if (m === 'total') {
      const b = f.bucket === 'week' ? weekOf(day) : day;
      into.push(buckets.get(b) ?? buckets.set(b, []).get(b)!);
    }
    return into;
  };
  const wholeFromDay = dayOf(wholeFrom);
  const wholeToDay = dayOf(wholeTo);
  for (const d of days) {
    if (d.day < wholeFromDay || d.day >= wholeToDay) continue;
    for (const h of targetsOf(d.day, d.stage)) for (const bin in d.hist) h[+bin] = (h[+bin] ?? 0) + d.hist[bin]!;
  }
  const edges: SQL[] = [];
  if (f.from.getTime() < wholeFrom) edges.push(rawWhere(f, f.from, new Date(Math.min(wholeFrom, f.to.getTime()))));
  // (wholeTo >= wholeFrom: the two never overlap; a period inside one day is all the first.)
  if (wholeTo < f.to.getTime()) edges.push(rawWhere(f, new Date(wholeTo), f.to));
  if (edges.length > 0) {
    const rows = rowsOf<{ day: string; measure: string; bin: number; c: number }>(
      await db.execute(sql`
        select ${receivedDaySql}::text as day, m.measure, ${binSql(sql`m.ms`)} as bin, count(*)::int as c
        from lead_reports ${measuresLateral()}
        where m.ms is not null and ((${sql.join(edges, sql`) or (`)}))
        group by 1, 2, 3`),
    );
    for (const r of rows) for (const h of targetsOf(r.day, r.measure)) h[r.bin] = (h[r.bin] ?? 0) + r.c;
  }
  return {
    overall: fromHistogram(merged.get('total')!),
    stages: Object.fromEntries(speedStages.map((s) => [s, fromHistogram(merged.get(s)!)])) as SpeedRows['stages'],
    buckets: [...buckets.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([start, h]) => ({ start: new Date(`${start}T00:00:00Z`), ...fromHistogram(h) }))
      .filter((b) => b.count > 0),
  };
}

/** percentile_disc over a histogram (count per bin, by index): the bin of the first lead at or past rank ceil(p * count), read back as its value. */
export function fromHistogram(h: readonly number[]): Percentiles & { count: number } {
  let count = 0;
  for (const c of h) count += c ?? 0; // (for-of reads holes as undefined)
  const at = (p: number) => {
    if (count === 0) return null;
    const rank = Math.max(1, Math.ceil(p * count));
    let seen = 0;
    for (let bin = 0; bin < h.length; bin++) {
      seen += h[bin] ?? 0;
      if (seen >= rank) return binValueMs(bin);
    }
    return null;
  };
  return { count, p50_ms: at(0.5), p95_ms: at(0.95), p99_ms: at(0.99) };
}

const pct = (e: SQL) => sql`percentile_disc(array[0.5, 0.95, 0.99]) within group (order by ${e})`;
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const triple = (arr: unknown): Percentiles => {
  const a = (
    typeof arr === 'string' ? JSON.parse(arr.replace('{', '[').replace('}', ']')) : arr
  ) as Array<unknown> | null;
  return { p50_ms: num(a?.[0]), p95_ms: num(a?.[1]), p99_ms: num(a?.[2]) };
};

/** Exact percentiles from lead_reports: a period of up to about speedExactLeads leads. */
export async function readExactSpeedToLead(db: Db, f: SpeedFilter): Promise<SpeedRows> {
  const where = rawWhere(f, f.from, f.to);
  // date_bin on the timestamptz itself (no time zone conversion per row); the origin is a Monday
  // 00:00 UTC, so weeks are ISO weeks.
  const bucketOf = sql.raw(
    `date_bin('${f.bucket === 'week' ? '7 days' : '1 day'}', received_at, timestamptz '2001-01-01 00:00:00+00')`,
  );
  return readReport(db, async (tx) => {
    const counts = speedMeasures.map((m) => sql`count(${durationSql[m]})::int as ${sql.identifier(`${m}_n`)}`);
    const pcts = speedMeasures.map((m) => sql`${pct(durationSql[m])} as ${sql.identifier(m)}`);
    const [head] = rowsOf<Record<string, unknown>>(
      await tx.execute(
        sql`select ${sql.join(counts, sql`, `)}, ${sql.join(pcts, sql`, `)} from lead_reports where ${where}`,
      ),
    );
    const buckets = rowsOf<{ start: Date | string; n: number; p: unknown }>(
      await tx.execute(sql`
        select ${bucketOf} as start, count(*)::int as n, ${pct(durationSql.total)} as p
        from lead_reports where ${where} and written_at is not null
        group by 1 order by 1`),
    );
    const of = (m: SpeedMeasure) => ({ count: Number(head?.[`${m}_n`] ?? 0), ...triple(head?.[m]) });
    return {
      overall: of('total'),
      stages: Object.fromEntries(speedStages.map((s) => [s, of(s)])) as SpeedRows['stages'],
      buckets: buckets.map((b) => ({ start: new Date(b.start as string), count: Number(b.n), ...triple(b.p) })),
    };
  });
}
