// Invariant 8 with a partitioned routing lock (docs/scaling.md): the same seeded lead stream through
// 1 worker and through 4 parallel workers, on a config with three independent pools (round robin
// with a day cap, weighted round robin, least loaded by assignments) and two pools sharing a rep
// (one partition), gives the same decision for every lead's rule and pool, the same number of
// leads per rep and reason, and the same value of every counter. The only values allowed to
// differ are the places on the line "all" (a sequence every partition increments): their order
// among the reps of a one-pool partition, all that routing compares, must be the same.
import { afterEach, expect, it } from 'vitest';
import type { InboundEvent } from '../../src/connector.js';
import { ingestCrmEvents } from '../../src/pipeline/index.js';
import { openCluster } from '../support/cluster.js';
import { sqlClient } from '../support/services.js';
import { until } from '../support/until.js';

const total = 600;
const mappings = {
  'api/lead': {
    fields: [
      { from: 'email', to: 'email' },
      { from: 'country', to: 'country' },
    ],
  },
};
const routing = {
  reps: ['e1', 'e2', 'e3', 'w1', 'w2', 'l1', 'l2', 's1', 's2', 's3'].map((id) => ({
    id,
    crmIds: { api: id },
    ...(id === 'e1' && { capPerDay: 20 }),
    ...(id === 'w1' && { weight: 2 }),
  })),
  pools: [
    { id: 'emea', strategy: 'round_robin', members: ['e1', 'e2', 'e3'] },
    { id: 'amer', strategy: 'weighted_round_robin', members: ['w1', 'w2'] },
    { id: 'apac', strategy: 'least_loaded', loadBy: 'assignments', members: ['l1', 'l2'] },
    // s2 is in both: smb and mid are one partition.
    { id: 'smb', strategy: 'round_robin', members: ['s1', 's2'] },
    { id: 'mid', strategy: 'round_robin', members: ['s2', 's3'] },
  ],
  rules: [
    { id: 'de', when: { field: 'country', op: 'eq', value: 'DE' }, action: { pool: 'emea' } },
    { id: 'us', when: { field: 'country', op: 'eq', value: 'US' }, action: { pool: 'amer' } },
    { id: 'jp', when: { field: 'country', op: 'eq', value: 'JP' }, action: { pool: 'apac' } },
    { id: 'br', when: { field: 'country', op: 'eq', value: 'BR' }, action: { pool: 'smb' } },
    { id: 'mx', when: { field: 'country', op: 'eq', value: 'MX' }, action: { pool: 'mid' } },
  ],
};
const partitions = [
  ['e1', 'e2', 'e3'],
  ['w1', 'w2'],
  ['l1', 'l2'],
  ['s1', 's2', 's3'],
];

/** A seeded stream: the same countries in the same order on every run (FR matches no rule). */
function countries(): string[] {
  let s = 0x5eed;
  const next = () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
  const pick = ['DE', 'US', 'JP', 'BR', 'MX', 'FR'];
  return Array.from({ length: total }, () => pick[Math.floor(next() * pick.length)]!);
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function route(workers: number) {
  // Several route jobs of ROUTE_BATCH_MAX events in hand per worker: its batches overlap (reads,
  // then locks in arrival order: src/pipeline/arrival-order.ts), and the workers' too.
  const env = { DB_POOL_SIZE: '4', WORKER_CONCURRENCY: '1', ROUTE_BATCH_MAX: '10' };
  const { tdb, serve, working } = await openCluster({ mappings, routing }, { workers, env }, cleanups);
  // Stored before any worker runs: every run sees the whole backlog in the same order.
  const stream = countries();
  for (let i = 0; i < total; i += 100) {
    const events: InboundEvent[] = stream.slice(i, i + 100).map((country, j) => {
      const id = `lead-${String(i + j).padStart(5, '0')}`;
      return {
        kind: 'created',
        sourceEventId: id,
        record: { crm: 'api', objectType: 'lead', id },
        occurredAt: new Date().toISOString(),
        fields: { email: `${id}@acme.example`, country },
      };
    });
    await ingestCrmEvents(serve.rt.deps, `api:parts`, events);
  }
  for (const w of working) void w.startWorking();
  const sql = await sqlClient(tdb.url);
  cleanups.push(() => sql.end());
  await until(
    async () => Number((await sql.rows<{ n: string }>(`select count(*) n from assignments`))[0]!.n) === total,
    { timeoutMs: 170_000, intervalMs: 250, what: `${total} assignments with ${workers} workers` },
  );
  const perLead = await sql.rows<{
    record_id: string;
    pool_id: string | null;
    rule_id: string | null;
    outcome: string;
  }>(
    `select l.record_id, a.pool_id, a.rule_id, a.outcome from assignments a join leads l on l.id = a.lead_id order by l.record_id`,
  );
  const perRep = await sql.rows(
    `select rep_id, pool_id, reason_code, count(*)::int n from assignments group by 1, 2, 3 order by 1, 2, 3`,
  );
  const counters = await sql.rows<{ key: string; value: string }>(
    `select key, value from routing_counters order by key`,
  );
  // Which partitions' locks were held, over every worker (the metric's label).
  const labels = new Set<string>();
  let routingWorkers = 0;
  for (const w of working) {
    const held = (await w.deps.metrics.routingLockHold.get()).values.filter(
      (v) => v.metricName === 'routing_lock_hold_seconds_count' && v.value > 0,
    );
    for (const v of held) labels.add(String(v.labels.partition));
    if (held.length > 0) routingWorkers++;
  }
  return { perLead, perRep, counters, labels, routingWorkers };
}

/** The places on the line "all" as each partition's reps' order (1 = least recent); every other counter as is. */
function comparable(counters: Array<{ key: string; value: string }>) {
  const place = new Map<string, number>();
  const plain: Record<string, number> = {};
  for (const c of counters)
    if (c.key.startsWith('line:all:last:')) place.set(c.key.slice('line:all:last:'.length), Number(c.value));
    else plain[c.key] = Number(c.value);
  const order = partitions.map((reps) =>
    reps.filter((r) => place.has(r)).sort((a, b) => place.get(a)! - place.get(b)!),
  );
  return { plain, order };
}

it(
  'routes a seeded stream with 4 parallel workers exactly as 1 worker does, partition by partition, every counter',
  { timeout: 400_000 },
  async () => {
    const one = await route(1);
    const four = await route(4);
    // The partitioned path ran, held by more than one worker, and each transaction held one
    // partition: a batch's leads were split by partition before the transaction
    // (src/pipeline/partition-lines.ts), none holds several.
    expect([...four.labels].sort()).toEqual(['p/amer', 'p/apac', 'p/emea', 'p/mid']);
    expect(four.routingWorkers).toBeGreaterThan(1);

    expect(four.perLead).toEqual(one.perLead);
    expect(four.perRep).toEqual(one.perRep);
    // The cap held: e1 got exactly 20, the rest of emea went round the other two.
    expect(one.perRep).toContainEqual({ rep_id: 'e1', pool_id: 'emea', reason_code: 'ROUND_ROBIN_NEXT', n: 20 });
    const a = comparable(one.counters);
    const b = comparable(four.counters);
    expect(b.plain).toEqual(a.plain);
    // Within a one-pool partition the order on the line follows from the rotation alone. In the
    // shared smb/mid partition it follows from which of its last leads committed last, and across
    // processes that is the order the workers took the partition's lock (arrival order is kept only
    // within a process: src/pipeline/arrival-order.ts), so there only the reps on the line compare.
    const shared = partitions.length - 1;
    expect(b.order.slice(0, shared)).toEqual(a.order.slice(0, shared));
    expect([...b.order[shared]!].sort()).toEqual([...a.order[shared]!].sort());
    expect(a.plain['line:all:seq']).toBe(one.perLead.filter((l) => l.outcome === 'assigned').length);
  },
);
