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
const ms = (a: SQL, b: SQL) =>
  sql`(case when ${a} is not null and ${b} is not null then greatest(0, round(extract(epoch from (${b} - ${a})) * 1000)) end)::bigint`;
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

export async function readSpeedToLead(db: Db, f: SpeedFilter): Promise<SpeedRows> {
  const where = whereOf(f);
  // Overall and each stage in one scan; a duration whose end has not happened yet is null and
  // ordered-set aggregates skip nulls, so each stage counts only the leads that reached it.
  const [head, buckets] = await Promise.all([
    readReport(db, async (tx) => {
      const cols = speedStages.map(
        (s) =>
          sql`${pct(stageSql[s])} as ${sql.identifier(s)}, count(${stageSql[s]})::int as ${sql.identifier(`${s}_n`)}`,
      );
      const [r] = rowsOf<Record<string, unknown>>(
        await tx.execute(
          sql`select ${pct(total)} as total, count(${total})::int as n, ${sql.join(cols, sql`, `)} from lead_reports where ${where}`,
        ),
      );
      return r!;
    }),
    readReport(db, async (tx) =>
      rowsOf<{ start: Date | string; n: number; p: unknown }>(
        await tx.execute(sql`
          select date_trunc(${f.bucket}, received_at at time zone 'UTC') at time zone 'UTC' as start, count(*)::int as n, ${pct(total)} as p
          from lead_reports where ${where} and written_at is not null
          group by 1 order by 1`),
      ),
    ),
  ]);
  return {
    overall: { count: Number(head.n), ...triple(head.total) },
    stages: Object.fromEntries(
      speedStages.map((s) => [s, { count: Number(head[`${s}_n`]), ...triple(head[s]) }]),
    ) as SpeedRows['stages'],
    buckets: buckets.map((b) => ({ start: new Date(b.start), count: Number(b.n), ...triple(b.p) })),
  };
}
