import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, sqlClient, type TestDatabase } from '../support/services.js';
import { cleanupQueue, leadBody, startSystem, testApiKey, testEnv, type TestSystem } from '../support/system.js';
import { until } from '../support/until.js';

let tdb: TestDatabase;
const systems: TestSystem[] = [];

beforeAll(async () => {
  tdb = await createTestDatabase();
});

afterAll(async () => {
  await Promise.all(systems.map((s) => s.close()));
  if (systems[0]) await cleanupQueue(systems[0].rt.env);
  await tdb?.drop();
});

it('keeps round robin exact with 4 workers in parallel: 300 leads over 3 reps is 100 each', async () => {
  // Route jobs carry up to ROUTE_BATCH_MAX events each (one per intake statement): small ones, so
  // 300 leads make enough jobs for every worker to get some.
  const env = testEnv(tdb.url, { WORKER_CONCURRENCY: '4', DB_POOL_SIZE: '6', ROUTE_BATCH_MAX: '5' });
  const intake = await startSystem(env, { migrate: true });
  systems.push(intake);
  // Four worker processes' worth of runtimes: each its own pool of connections and its own BullMQ worker.
  for (let i = 0; i < 4; i++) {
    const w = await startSystem(env);
    w.rt.startWorking();
    systems.push(w);
  }
  for (let i = 0; i < 300; i += 50) {
    await Promise.all(
      Array.from({ length: 50 }, (_, j) =>
        intake.app.inject({
          method: 'POST',
          url: '/v1/leads',
          headers: { 'x-api-key': testApiKey },
          payload: leadBody(`fair-${String(i + j).padStart(4, '0')}`),
        }),
      ),
    );
  }
  const sql = await sqlClient(tdb.url);
  try {
    await until(
      async () =>
        Number((await sql.rows<{ n: string }>(`select count(*) n from outbox where status = 'done'`))[0]!.n) === 300,
      { timeoutMs: 30_000, what: '300 write-backs' },
    );
    const perRep = await sql.rows(`select rep_id, count(*)::int n from assignments group by rep_id order by rep_id`);
    expect(perRep).toEqual([
      { rep_id: 'ana', n: 100 },
      { rep_id: 'bo', n: 100 },
      { rep_id: 'cy', n: 100 },
    ]);
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
});
