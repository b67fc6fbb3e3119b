// A running service switches to a newly published version without a restart. The admin API
// runs in one process and the routing worker in another (same database and queue): the worker
// is never told about the publish, it only re-reads the active pointer (at most every second).
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { createTestDatabase, sqlClient, type TestDatabase } from '../support/services.js';
import { cleanupQueue, postLead, startSystem, testEnv, type TestSystem } from '../support/system.js';
import { until } from '../support/until.js';

const editorToken = 'editor-token-0123456789';

let tdb: TestDatabase;
let api: TestSystem;
let worker: TestSystem;
let sql: Awaited<ReturnType<typeof sqlClient>>;

beforeAll(async () => {
  tdb = await createTestDatabase();
  const env = testEnv(tdb.url, { ADMIN_TOKENS: `editor:${editorToken}` });
  api = await startSystem(env, { migrate: true });
  worker = await startSystem(env, { working: true });
  sql = await sqlClient(tdb.url);
});

afterAll(async () => {
  await worker?.close();
  await api?.close();
  await cleanupQueue(api.rt.env);
  await sql?.end();
  await tdb?.drop();
});

async function routed(key: string): Promise<{ config_version: number; rep_id: string }> {
  const eventId = await postLead(api.app, key);
  return until(
    async () =>
      (
        await sql.rows<{ config_version: number; rep_id: string }>(
          `select config_version, rep_id from assignments where event_id = $1`,
          [eventId],
        )
      )[0],
    { what: `assignment of ${key}` },
  );
}

it('routes a lead under v1, then, after a publish through the admin API, under v2, each by the rules of the version it records', async () => {
  const before = await routed('switch-before-1');
  expect(before.config_version).toBe(1);
  expect(['ana', 'bo', 'cy']).toContain(before.rep_id);

  // v2: a new rep, dee, takes everything.
  const doc = parseYaml(await readFile('fixtures/config/default.yaml', 'utf8'));
  doc.routing.reps.push({ id: 'dee', name: 'Dee', crmIds: {} });
  doc.routing.pools[0].members = ['dee'];
  const published = await api.app.inject({
    method: 'POST',
    url: '/v1/admin/config/publish',
    headers: { 'x-admin-token': editorToken },
    payload: { message: 'dee takes all', document: doc },
  });
  expect(published.statusCode).toBe(201);
  expect(published.json().version).toBe(2);

  // The worker's cache may hold v1 for up to a second; every lead routed meanwhile must still
  // name v1 and a v1 owner. Within a bounded time a lead is routed under v2, to dee.
  const seen: Array<{ config_version: number; rep_id: string }> = [];
  let n = 0;
  await until(
    async () => {
      const a = await routed(`switch-after-${++n}`);
      seen.push(a);
      return a.config_version === 2;
    },
    { timeoutMs: 5000, intervalMs: 100, what: 'a lead routed under version 2' },
  );
  for (const a of seen)
    expect(a.config_version === 2 ? a.rep_id === 'dee' : ['ana', 'bo', 'cy'].includes(a.rep_id)).toBe(true);
  expect(seen.at(-1)).toEqual({ config_version: 2, rep_id: 'dee' });

  // And it stays switched: no restart happened, nothing was invalidated in the worker.
  expect(await routed('switch-later-1')).toEqual({ config_version: 2, rep_id: 'dee' });
  const [db] = await sql.rows(`select count(*)::int n from assignments where config_version = 2 and rep_id <> 'dee'`);
  expect(db).toEqual({ n: 0 });
});
