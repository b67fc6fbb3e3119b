// Speed to lead above the exact threshold (report-speed.ts): percentiles from lead_report_days'
// histograms for the period's whole days and lead_reports for the partial days at its ends. On
// bench:reports' seed (smaller), each count must equal the exact read's and each percentile be
// within the bins' precision (2.44 %, then rounded to the ms) of percentile_disc over the leads.
import { beforeAll, describe, expect, it } from 'vitest';
import { end, seedSql, start } from '../../bench/reports-seed.js';
import { sql } from 'drizzle-orm';
import { allPoolsKeyOf, rebuildReportDays, rollUpSql } from '../../src/db/report-rollup.js';
import { speedMeasures } from '../../src/db/report-durations.js';
import {
  readExactSpeedToLead,
  readSpeedToLead,
  speedExactLeads,
  type SpeedFilter,
  type SpeedRows,
} from '../../src/db/report-speed.js';
import { useTestSystem } from '../support/system.js';
import { viewerToken, writeConfigFile } from './sync-helpers.js';

const leads = 35_000;
const sys = useTestSystem(() => ({
  migrate: true,
  env: {
    CONFIG_FILE: writeConfigFile({
      mappings: { 'hubspot/contact': { fields: [{ from: 'email', to: 'email' }] } },
      routing: {
        reps: [{ id: 'rep0', crmIds: { hubspot: '100' } }],
        pools: [{ id: 'pool0', strategy: 'round_robin', members: ['rep0'] }],
        rules: [{ id: 'all', when: { match: 'always' }, action: { pool: 'pool0' } }],
      },
    }),
    ADMIN_TOKENS: `viewer:${viewerToken}`,
  },
}));

beforeAll(async () => {
  for (const q of seedSql(leads)) await sys.sql.query(q);
  await rebuildReportDays(sys.rt.deps.db);
}, 120_000);

const hour = 3_600_000;
const day = 24 * hour;
// Neither end on a day boundary: both partial days come from lead_reports.
const from = new Date(start.getTime() + 3 * day + 5 * hour + 17 * 60_000);
const to = new Date(end.getTime() - 9 * day - 3 * hour);

type Counted = SpeedRows['overall'];
/** Same count; each percentile within 2.44 % + 0.5 ms of the exact one (a 1 ms slack for float edges). */
function expectClose(got: Counted, exact: Counted, what: string) {
  expect(got.count, what).toBe(exact.count);
  for (const k of ['p50_ms', 'p95_ms', 'p99_ms'] as const) {
    const e = exact[k]!;
    expect(got[k], `${what} ${k}`).not.toBeNull();
    expect(Math.abs(got[k]! - e), `${what} ${k}: ${got[k]} vs exact ${e}`).toBeLessThanOrEqual(0.0244 * e + 1);
  }
}

function expectSameAsExact(got: SpeedRows, exact: SpeedRows) {
  expectClose(got.overall, exact.overall, 'overall');
  for (const [stage, e] of Object.entries(exact.stages))
    expectClose(got.stages[stage as 'received_to_decided'], e, stage);
  expect(got.buckets.map((b) => b.start.toISOString())).toEqual(exact.buckets.map((b) => b.start.toISOString()));
  got.buckets.forEach((b, i) => expectClose(b, exact.buckets[i]!, b.start.toISOString()));
}

describe('speed to lead from the rollup', () => {
  it('answers a year above the exact threshold over HTTP, per day, as the exact read would within the precision', async () => {
    const res = await sys.app.inject({
      url: `/v1/reports/speed-to-lead?from=${from.toISOString()}&to=${to.toISOString()}&bucket=day`,
      headers: { 'x-admin-token': viewerToken },
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.stages.received_to_decided.count).toBeGreaterThan(speedExactLeads);
    const exact = await readExactSpeedToLead(sys.rt.deps.db, { from, to, bucket: 'day' });
    expectSameAsExact(
      { ...body, buckets: body.buckets.map((b: { start: string }) => ({ ...b, start: new Date(b.start) })) },
      exact,
    );
    // The histograms read back a duration close to one a lead had, not a sampled one: every day has its percentiles.
    expect(body.buckets.length).toBe(exact.buckets.length);
  });

  const filters: Array<[string, SpeedFilter]> = [
    ['a pool, by week', { from, to, bucket: 'week', pool: 'pool1' }],
    ['a source and a CRM', { from, to, bucket: 'day', source: 'webinar', crm: 'hubspot' }],
    ['a pool and a source', { from, to, bucket: 'week', pool: 'pool3', source: 'hubspot' }],
    ['a CRM with no leads', { from, to, bucket: 'day', crm: 'salesforce' }],
    [
      'within one day',
      { from: new Date(from.getTime() + 40 * day), to: new Date(from.getTime() + 40 * day + 7 * hour), bucket: 'day' },
    ],
    [
      'across one midnight',
      { from: new Date(from.getTime() + 50 * day), to: new Date(from.getTime() + 51 * day), bucket: 'day' },
    ],
    [
      'whole days',
      { from: new Date(start.getTime() + 7 * day), to: new Date(start.getTime() + 90 * day), bucket: 'week' },
    ],
  ];
  it.each(filters)('filters %s from its own rollup rows', async (_what, f) => {
    // exactUpTo 0: the histogram read whatever the period's size.
    const got = await readSpeedToLead(sys.rt.deps.db, f, { exactUpTo: -1 });
    const exact = await readExactSpeedToLead(sys.rt.deps.db, f);
    if (exact.overall.count === 0) expect(got).toEqual(exact);
    else expectSameAsExact(got, exact);
  });
});

describe('the rollup of partitioned routing', () => {
  it("sums every lock partition's all-pools rows ('*:<partition>') when no pool is asked for", async () => {
    // As two partitions' transactions leave it: each lead's all-pools counts under its partition's key.
    await sys.sql.query('delete from lead_report_days');
    for (const [op, key] of [
      ['<', allPoolsKeyOf('$routing/p/a')],
      ['>=', allPoolsKeyOf('$routing/p/b')],
    ] as const) {
      const half = sql`(select * from lead_reports where right(lead_id::text, 1) ${sql.raw(op)} '8') h`;
      await sys.rt.deps.db.execute(rollUpSql(half, speedMeasures, key));
    }
    const pools = await sys.sql.query<{ pool_id: string }>(
      `select distinct pool_id from lead_report_days where pool_id like '*%' order by 1`,
    );
    expect(pools.rows.map((r) => r.pool_id)).toEqual(['*:$routing/p/a', '*:$routing/p/b']);
    const f: SpeedFilter = { from, to, bucket: 'week' };
    expectSameAsExact(
      await readSpeedToLead(sys.rt.deps.db, f, { exactUpTo: -1 }),
      await readExactSpeedToLead(sys.rt.deps.db, f),
    );
    await rebuildReportDays(sys.rt.deps.db);
  });
});

describe('merging into stored rows', () => {
  it("adds a statement's bins to the stored counts, keeps the bins it did not touch, and adds new ones: as one statement over every lead would", async () => {
    const rows = () =>
      sys.sql.rows(
        `select day::text, crm, pool_id, source, stage, n, hist from lead_report_days order by 1, 2, 3, 4, 5`,
      );
    // Two thirds of the leads, then the rest and the first third again (every stored row merged),
    // against one statement over all of them plus the first third.
    const part = (cond: string) => sql`(select * from lead_reports where ${sql.raw(cond)}) p`;
    await sys.sql.query('delete from lead_report_days');
    await sys.rt.deps.db.execute(rollUpSql(part(`right(lead_id::text, 1) < 'b'`), speedMeasures));
    await sys.rt.deps.db.execute(rollUpSql(part(`right(lead_id::text, 1) >= 'b'`), speedMeasures));
    await sys.rt.deps.db.execute(rollUpSql(part(`right(lead_id::text, 1) < '6'`), speedMeasures));
    const merged = await rows();
    await sys.sql.query('delete from lead_report_days');
    await sys.rt.deps.db.execute(
      rollUpSql(
        sql`(select * from lead_reports union all select * from lead_reports where right(lead_id::text, 1) < '6') p`,
        speedMeasures,
      ),
    );
    expect(merged.length).toBeGreaterThan(0);
    expect(merged).toEqual(await rows());
    await rebuildReportDays(sys.rt.deps.db);
  });
});
