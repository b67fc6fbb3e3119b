// Invariant 2 at scale: 8 worker runtimes routing 10,000 leads at once into one round-robin pool
// of 7 reps stay exactly fair, because every decision reads and advances the cursor under the
// same row lock. 10,000 = 7 x 1,428 + 4, so exact rotation gives the first 4 members one more.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { InboundEvent } from '../../src/connector.js';
import { ingestCrmEvents } from '../../src/pipeline/index.js';
import { createTestDatabase, sqlClient, type TestDatabase } from '../support/services.js';
import { cleanupQueue, startSystem, testEnv, type TestSystem } from '../support/system.js';
import { until } from '../support/until.js';
import { apiLeadMappings } from '../builders/index.js';

const reps = ['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7'];
const total = 10_000;
const workers = 8;

let tdb: TestDatabase;
let dir: string;
const systems: TestSystem[] = [];

beforeAll(async () => {
  tdb = await createTestDatabase();
  dir = mkdtempSync(join(tmpdir(), 'lr-fair-'));
  // YAML is a superset of JSON: the config document as JSON is a valid CONFIG_FILE.
  writeFileSync(
    join(dir, 'config.yaml'),
    JSON.stringify({
      mappings: apiLeadMappings('email', 'country'),
      routing: {
        reps: reps.map((id) => ({ id, crmIds: { hubspot: id } })),
        pools: [{ id: 'rr', strategy: 'round_robin', members: reps }],
        rules: [{ id: 'all', when: { match: 'always' }, action: { pool: 'rr' } }],
      },
    }),
  );
});

afterAll(async () => {
  await Promise.all(systems.map((s) => s.close()));
  if (systems[0]) await cleanupQueue(systems[0].rt.env);
  await tdb?.drop();
  rmSync(dir, { recursive: true, force: true });
});

it(
  `keeps round robin exact with ${workers} parallel workers over ${total} leads (max-min spread <= 1)`,
  { timeout: 180_000 },
  async () => {
    // All 8 runtimes share this one process and every routing transaction takes the same locks, so
    // throughput is set by how many leads one transaction carries: many jobs in flight per worker
    // let group commit fill batches of up to 200.
    const env = testEnv(tdb.url, {
      CONFIG_FILE: join(dir, 'config.yaml'),
      DB_POOL_SIZE: '4',
      WORKER_CONCURRENCY: '200',
      ROUTE_BATCH_MAX: '200',
      SWEEP_AFTER_MS: '30000',
    });
    const intake = await startSystem(env, { migrate: true });
    systems.push(intake);
    for (let i = 0; i < workers; i++) {
      const w = await startSystem(env);
      void w.rt.startWorking();
      systems.push(w);
    }
    // Stored 1,000 per statement, as a CRM batch would be; enqueued as route jobs of ROUTE_BATCH_MAX events.
    for (let i = 0; i < total; i += 1000) {
      const events: InboundEvent[] = Array.from({ length: 1000 }, (_, j) => {
        const id = `fair-${String(i + j).padStart(5, '0')}`;
        return {
          kind: 'created',
          sourceEventId: id,
          record: { crm: 'api', objectType: 'lead', id },
          occurredAt: new Date().toISOString(),
          fields: { email: `${id}@acme.example`, country: 'DE' },
        };
      });
      expect(await ingestCrmEvents(intake.rt.deps, 'api:fairness', events)).toMatchObject({
        stored: 1000,
        duplicates: 0,
        refused: 0,
      });
    }

    const sql = await sqlClient(tdb.url);
    try {
      // Bounded, not timed: about 40 s on an idle 2-core machine; the bound only stops a hang.
      await until(
        async () => Number((await sql.rows<{ n: string }>(`select count(*) n from assignments`))[0]!.n) === total,
        { timeoutMs: 170_000, intervalMs: 500, what: `${total} assignments` },
      );
      const perRep = await sql.rows<{ rep_id: string; n: number }>(
        `select rep_id, count(*)::int n from assignments group by rep_id order by rep_id`,
      );
      expect(perRep).toEqual(reps.map((rep_id, i) => ({ rep_id, n: i < 4 ? 1429 : 1428 })));
      const counts = perRep.map((r) => r.n);
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      // One assignment per event, every event done, and the open-lead counters agree with the rows.
      const [c] = await sql.rows(
        `select count(distinct event_id)::int events, (select count(*)::int from inbound_events where status = 'done') done from assignments`,
      );
      expect(c).toEqual({ events: total, done: total });
      const open = await sql.rows<{ key: string; value: string }>(
        `select key, value from routing_counters where key like 'rep:%:open' order by key`,
      );
      expect(open.map((o) => Number(o.value))).toEqual(perRep.map((r) => r.n));
      // Every worker took part, so the fairness above was under real contention.
      for (const w of systems.slice(1)) {
        const routed = (await w.rt.deps.metrics.jobs.get()).values.find(
          (v) => v.labels.queue === 'route' && v.labels.outcome === 'completed',
        );
        expect(routed?.value ?? 0).toBeGreaterThan(0);
      }
    } finally {
      await sql.end();
    }
  },
);
