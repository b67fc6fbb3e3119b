// Rotation is stored per rep (a place on the pool's line in routing_counters), not as an index
// into the member list, so it survives a config publish that removes one member and adds another
// first in the list: the reps already waiting keep their order, the newcomer joins at the back,
// and nobody starts over. Real Postgres, the admin API's publish, and a worker started on each
// version (so no lead is routed by a cached older version).
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { createTestDatabase, sqlClient, type TestDatabase } from '../support/services.js';
import { cleanupQueue, leadBody, startSystem, testApiKey, testEnv, type TestSystem } from '../support/system.js';
import { until } from '../support/until.js';

const editorToken = 'editor-token-0123456789';

let tdb: TestDatabase;
let api: TestSystem;
let sql: Awaited<ReturnType<typeof sqlClient>>;
const workers: TestSystem[] = [];

beforeAll(async () => {
  tdb = await createTestDatabase();
  api = await startSystem(testEnv(tdb.url, { ADMIN_TOKENS: `editor:${editorToken}` }), { migrate: true });
  sql = await sqlClient(tdb.url);
});

afterAll(async () => {
  for (const w of workers) await w.close();
  await api?.close();
  await cleanupQueue(api.rt.env);
  await sql?.end();
  await tdb?.drop();
});

/** Posts leads one at a time (each routed before the next), answering who got each and under which version. */
async function route(keys: string[]): Promise<Array<[string, number]>> {
  const out: Array<[string, number]> = [];
  for (const key of keys) {
    const res = await api.app.inject({
      method: 'POST',
      url: '/v1/leads',
      headers: { 'x-api-key': testApiKey },
      payload: leadBody(key),
    });
    expect(res.statusCode, res.body).toBe(202);
    const { eventId } = res.json();
    const row = await until(
      async () =>
        (
          await sql.rows<{ rep_id: string; config_version: number }>(
            `select rep_id, config_version from assignments where event_id = $1`,
            [eventId],
          )
        )[0],
      { what: `assignment of ${key}` },
    );
    out.push([row.rep_id, row.config_version]);
  }
  return out;
}

async function withWorker<T>(fn: () => Promise<T>): Promise<T> {
  const w = await startSystem(api.rt.env, { working: true });
  workers.push(w);
  try {
    return await fn();
  } finally {
    await w.close();
    workers.splice(workers.indexOf(w), 1);
  }
}

it('keeps the line across a publish that removes bo and adds dee first in the list', { timeout: 60_000 }, async () => {
  // v1: inbound = [ana, bo, cy]. Four leads: ana bo cy ana, so cy has waited longest.
  expect(await withWorker(() => route(['rotation-1', 'rotation-2', 'rotation-3', 'rotation-4']))).toEqual([
    ['ana', 1],
    ['bo', 1],
    ['cy', 1],
    ['ana', 1],
  ]);

  const doc = parseYaml(await readFile('fixtures/config/default.yaml', 'utf8'));
  doc.routing.reps.push({ id: 'dee', name: 'Dee', crmIds: { hubspot: '104' } });
  doc.routing.pools[0].members = ['dee', 'ana', 'cy'];
  const published = await api.app.inject({
    method: 'POST',
    url: '/v1/admin/config/publish',
    headers: { 'x-admin-token': editorToken },
    payload: { message: 'bo leaves, dee joins', document: doc },
  });
  expect(published.statusCode).toBe(201);

  // v2: cy was waiting longest and goes first, then ana; dee, listed first, joins at the back. An
  // index cursor (0: ana's old index) would have given the next lead to index 1 -- ana again.
  expect(await withWorker(() => route(['rotation-5', 'rotation-6', 'rotation-7', 'rotation-8']))).toEqual([
    ['cy', 2],
    ['ana', 2],
    ['dee', 2],
    ['cy', 2],
  ]);

  // The line is stored per rep: bo's place stays (he is not reset if he comes back).
  const places = await sql.rows<{ key: string; value: string }>(
    `select key, value from routing_counters where key like 'line:pool/inbound:%' order by key`,
  );
  expect(places.map((p) => [p.key, Number(p.value)])).toEqual([
    ['line:pool/inbound:last:ana', 7],
    ['line:pool/inbound:last:bo', 2],
    ['line:pool/inbound:last:cy', 9],
    ['line:pool/inbound:last:dee', 8],
    ['line:pool/inbound:seq', 9],
  ]);
});
