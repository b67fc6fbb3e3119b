// API leads wait longer for company in a route job than CRM events (src/pipeline/deps.ts
// apiRouteJobWindowMs): their routing reads no CRM record, while a CRM event held past a record-read
// slot waits a whole slot more. ROUTE_JOB_WINDOW_MS, when set, is both windows.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDatabase, openRuntime, type Runtime } from '../../src/runtime.js';
import { createTestDatabase, type TestDatabase } from '../support/services.js';
import { cleanupQueue, testEnv } from '../support/system.js';
import { testLogger } from '../support/test-logs.js';

let tdb: TestDatabase;
const opened: Runtime[] = [];

beforeAll(async () => {
  tdb = await createTestDatabase();
  const db = await openDatabase(testEnv(tdb.url));
  await db.migrate();
  await db.close();
});

afterAll(async () => {
  for (const rt of opened) {
    await rt.close();
    await cleanupQueue(rt.env);
  }
  await tdb?.drop();
});

async function windowsOf(overrides: Record<string, string> = {}) {
  const rt = await openRuntime(testEnv(tdb.url, overrides), { logger: testLogger() });
  opened.push(rt);
  return { queue: rt.deps.queue.kind, crm: rt.deps.routeJobWindowMs, api: rt.deps.apiRouteJobWindowMs };
}

it('with Redis, CRM events wait up to 10 ms for a route job and API leads up to 30 ms', async () => {
  expect(await windowsOf()).toEqual({ queue: 'bullmq', crm: 10, api: 30 });
});

it('ROUTE_JOB_WINDOW_MS sets both', async () => {
  expect(await windowsOf({ ROUTE_JOB_WINDOW_MS: '5' })).toEqual({ queue: 'bullmq', crm: 5, api: 5 });
});
