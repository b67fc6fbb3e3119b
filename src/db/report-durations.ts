// The durations speed to lead measures (docs/reports.md), as SQL over lead_reports' columns, and the
// log bins lead_report_days counts them in. One definition serves the exact read (report-speed.ts),
// the rollup the writes keep (report-rollup.ts) and the partial days a period starts or ends in.
import { sql, type SQL } from 'drizzle-orm';

export const speedStages = [
  'created_to_received',
  'received_to_decided',
  'decided_to_written',
  'written_to_confirmed',
] as const;
export type SpeedStage = (typeof speedStages)[number];
/** total (CRM created, else received -> owner written) and each step. */
export type SpeedMeasure = 'total' | SpeedStage;
export const speedMeasures: readonly SpeedMeasure[] = ['total', ...speedStages];

/** Milliseconds from a to b, never negative (a CRM clock ahead of ours reads as 0). */
// date_part is float8 (extract is numeric, several times slower over a year of rows); null when either end is.
// (greatest() would turn null into 0: a case keeps "not reached yet" null.)
const ms = (a: SQL, b: SQL) => {
  const d = sql`round(date_part('epoch', ${b} - ${a}) * 1000)`;
  return sql`(case when ${d} < 0 then 0 else ${d} end)::bigint`;
};

/** Each measure over a row with lead_reports' column names (the table, or a statement's RETURNING). */
export const durationSql: Record<SpeedMeasure, SQL> = {
  total: ms(sql`coalesce(crm_created_at, received_at)`, sql`written_at`),
  created_to_received: ms(sql`crm_created_at`, sql`received_at`),
  received_to_decided: ms(sql`received_at`, sql`decided_at`),
  decided_to_written: ms(sql`decided_at`, sql`written_at`),
  written_to_confirmed: ms(sql`written_at`, sql`confirmed_at`),
};

/**
 * Histogram bins: 0 holds 0 ms; bin b >= 1 holds (1.05^(b-2), 1.05^(b-1)] ms and reads back as
 * 2 * 1.05^(b-1) / 2.05, within 2.44 % of every duration in it (then rounded to the ms).
 */
export const binRatio = 1.05;
export const binSql = (d: SQL) =>
  sql`(case when ${d} <= 0 then 0 else 1 + ceil(ln(${d}) / ln(${sql.raw(String(binRatio))}))::int end)`;
export const binValueMs = (bin: number) => (bin <= 0 ? 0 : Math.round((2 * binRatio ** (bin - 1)) / (binRatio + 1)));

/** One row per (row, measure) with a duration: lateral over a FROM item with lead_reports' columns. */
export const measuresLateral = (measures: readonly SpeedMeasure[] = speedMeasures) =>
  sql`cross join lateral (values ${sql.join(
    measures.map((m) => sql`(${m}, ${durationSql[m]})`),
    sql`, `,
  )}) as m(measure, ms)`;

/** The UTC day of received_at (date_bin's day buckets, origin midnight UTC). */
export const receivedDaySql = sql`(received_at at time zone 'UTC')::date`;
