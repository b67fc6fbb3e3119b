// Invariant 8: N workers decide exactly as one would. Day caps and weighted credits are counters
// (routing_counters), not cursors, so they are only exact if every decision reads them after the
// routing lock is held: 1 serving runtime and 8 working runtimes (each its own connection pool
// and BullMQ worker), many small routing transactions at once, and the result must be what one
// worker routing the leads one by one would give.
import { afterEach, expect, it } from 'vitest';
import type { InboundEvent } from '../../src/connector.js';
import { ingestCrmEvents } from '../../src/pipeline/index.js';
import { openCluster } from '../support/cluster.js';
import { sqlClient } from '../support/services.js';
import { until } from '../support/until.js';

const workers = 8;
const hour = 3_600_000;
const mappings = { 'api/lead': { fields: [{ from: 'email', to: 'email' }] } };

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** 1 serve + 8 workers on a fresh database with this routing config; `total` leads stored through the serving one. */
async function routeThroughCluster(routing: unknown, total: number, prefix: string, clock?: () => Date) {
  // Small batches and many jobs in hand: hundreds of routing transactions queue on the lock at once.
  const env = { DB_POOL_SIZE: '4', WORKER_CONCURRENCY: '20', ROUTE_BATCH_MAX: '5' };
  const { tdb, serve, working } = await openCluster({ mappings, routing }, { workers, env, clock }, cleanups);
  for (const w of working) void w.startWorking();
  for (let i = 0; i < total; i += 100) {
    const events: InboundEvent[] = Array.from({ length: Math.min(100, total - i) }, (_, j) => {
      const id = `${prefix}-${String(i + j).padStart(5, '0')}`;
      return {
        kind: 'created',
        sourceEventId: id,
        record: { crm: 'api', objectType: 'lead', id },
        occurredAt: new Date().toISOString(),
        fields: { email: `${id}@acme.example` },
      };
    });
    await ingestCrmEvents(serve.rt.deps, `api:${prefix}`, events);
  }
  const sql = await sqlClient(tdb.url);
  cleanups.push(() => sql.end());
  await until(
    async () => Number((await sql.rows<{ n: string }>(`select count(*) n from assignments`))[0]!.n) === total,
    { timeoutMs: 170_000, intervalMs: 250, what: `${total} assignments` },
  );
  // Every worker took part, so what follows was decided under real contention.
  for (const w of working) {
    const routed = (await w.deps.metrics.jobs.get()).values.find(
      (v) => v.labels.queue === 'route' && v.labels.outcome === 'completed',
    );
    expect(routed?.value ?? 0).toBeGreaterThan(0);
  }
  return sql;
}

it(
  `never exceeds capPerDay with ${workers} workers: two reps capped at 50 get exactly 50 of 300 leads each, the overflow rep the other 200`,
  { timeout: 180_000 },
  async () => {
    const routing = {
      reps: [
        { id: 'ana', crmIds: { api: 'ana' }, capPerDay: 50 },
        { id: 'bo', crmIds: { api: 'bo' }, capPerDay: 50 },
        { id: 'reserve', crmIds: { api: 'reserve' } },
      ],
      pools: [{ id: 'capped', strategy: 'round_robin', members: ['ana', 'bo'], overflow: [{ rep: 'reserve' }] }],
      rules: [{ id: 'all', when: { match: 'always' }, action: { pool: 'capped' } }],
    };
    const sql = await routeThroughCluster(routing, 300, 'cap');
    const perRep = await sql.rows(
      `select rep_id, reason_code, count(*)::int n from assignments group by rep_id, reason_code order by rep_id`,
    );
    expect(perRep).toEqual([
      { rep_id: 'ana', reason_code: 'ROUND_ROBIN_NEXT', n: 50 },
      { rep_id: 'bo', reason_code: 'ROUND_ROBIN_NEXT', n: 50 },
      { rep_id: 'reserve', reason_code: 'NAMED_REP', n: 200 },
    ]);
    // The day counters agree with the rows.
    const day = await sql.rows<{ key: string; value: string }>(
      `select key, value from routing_counters where key like 'rep:%:day:%' order by key`,
    );
    expect(day.map((d) => [d.key.split(':')[1], Number(d.value)])).toEqual([
      ['ana', 50],
      ['bo', 50],
      ['reserve', 200],
    ]);
  },
);

it(
  `keeps a 2:1:1 weighted pool exact with ${workers} workers: 2,000 leads split 1000/500/500 (within 1 per rep)`,
  { timeout: 180_000 },
  async () => {
    const routing = {
      reps: [
        { id: 'big', crmIds: { api: 'big' }, weight: 2 },
        { id: 'one', crmIds: { api: 'one' } },
        { id: 'two', crmIds: { api: 'two' } },
      ],
      pools: [{ id: 'weighted', strategy: 'weighted_round_robin', members: ['big', 'one', 'two'] }],
      rules: [{ id: 'all', when: { match: 'always' }, action: { pool: 'weighted' } }],
    };
    const total = 2000;
    const sql = await routeThroughCluster(routing, total, 'wrr');
    const perRep = await sql.rows<{ rep_id: string; n: number }>(
      `select rep_id, count(*)::int n from assignments group by rep_id order by rep_id`,
    );
    expect(perRep.map((r) => r.rep_id)).toEqual(['big', 'one', 'two']);
    const exact: Record<string, number> = { big: total / 2, one: total / 4, two: total / 4 };
    for (const r of perRep)
      expect(
        Math.abs(r.n - exact[r.rep_id]!),
        `${r.rep_id}: ${JSON.stringify(perRep)} against exact shares ${JSON.stringify(exact)}`,
      ).toBeLessThanOrEqual(1);
    // Smooth weighted round robin's credits sum to zero after every decision, and stay within one round of it.
    const credits = await sql.rows<{ key: string; value: string }>(
      `select key, value from routing_counters where key like 'pool:weighted:wrr:%' order by key`,
    );
    expect(credits.reduce((s, c) => s + Number(c.value), 0)).toBe(0);
    for (const c of credits) expect(Math.abs(Number(c.value))).toBeLessThanOrEqual(4);
  },
);

it(
  `keeps hour, rolling and month caps and the round-robin line exact with ${workers} workers`,
  { timeout: 180_000 },
  async () => {
    // One clock hour for the whole run: the workers' clock starts 5 minutes into the current UTC hour.
    const t0 = Date.now();
    const base = t0 - (t0 % hour) + 5 * 60_000;
    const clock = () => new Date(base + (Date.now() - t0));
    const routing = {
      reps: [
        { id: 'hourly', crmIds: { api: 'hourly' }, capPerHour: 30 },
        { id: 'rolling', crmIds: { api: 'rolling' }, capRolling: { hours: 3, max: 40 } },
        { id: 'monthly', crmIds: { api: 'monthly' }, capPerMonth: 50 },
        { id: 'free', crmIds: { api: 'free' } },
        { id: 'reserve', crmIds: { api: 'reserve' } },
      ],
      pools: [
        {
          id: 'capped',
          strategy: 'round_robin',
          members: ['hourly', 'rolling', 'monthly'],
          overflow: [{ pool: 'open' }],
        },
        { id: 'open', strategy: 'round_robin', members: ['free', 'reserve'] },
      ],
      rules: [{ id: 'all', when: { match: 'always' }, action: { pool: 'capped' } }],
    };
    const sql = await routeThroughCluster(routing, 300, 'caps', clock);
    const perRep = await sql.rows(`select rep_id, count(*)::int n from assignments group by rep_id order by rep_id`);
    // 120 to the capped three, the 180 others alternate exactly between free and reserve.
    expect(perRep).toEqual([
      { rep_id: 'free', n: 90 },
      { rep_id: 'hourly', n: 30 },
      { rep_id: 'monthly', n: 50 },
      { rep_id: 'reserve', n: 90 },
      { rep_id: 'rolling', n: 40 },
    ]);
    const counters = await sql.rows<{ key: string; value: string }>(
      `select key, value from routing_counters where key like 'rep:%:hour:%' or key like 'rep:%:month:%' or key like 'line:%:seq' order by key`,
    );
    const byKind = counters.map((c) => [c.key.replace(/:\d{4}-\d{2}(-\d{2}T\d{2})?$/, ''), Number(c.value)]);
    expect(byKind).toEqual([
      ['line:all:seq', 300],
      ['line:pool/capped:seq', 120],
      ['line:pool/open:seq', 180],
      ['rep:free:month', 90],
      ['rep:hourly:hour', 30], // hours are counted only for reps with an hourly or rolling cap
      ['rep:hourly:month', 30],
      ['rep:monthly:month', 50],
      ['rep:reserve:month', 90],
      ['rep:rolling:hour', 40],
      ['rep:rolling:month', 40],
    ]);
  },
);
