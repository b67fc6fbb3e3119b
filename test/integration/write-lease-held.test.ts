// A CRM call that runs longer than the claim's lease (waiting out 429s, a slow CRM) keeps its
// rows: the sweeper must not hand them to another write while the first is still in flight, or
// the CRM gets the same owner write twice (chaos crm-429-storm saw 2-12 of 40 written twice).
// The CRM is a double here: the thing under test is the claim, not a connector.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { OwnerWrite } from '../../src/connector.js';
import { apiWriteDouble } from '../support/crm-double.js';
import { createTestDatabase, sqlClient, type TestDatabase } from '../support/services.js';
import { cleanupQueue, leadBody, startSystem, testApiKey, testEnv, type TestSystem } from '../support/system.js';
import { until } from '../support/until.js';

let database: TestDatabase;
let sys: TestSystem;
const sent: OwnerWrite[] = [];

// Three leases long (SWEEP_AFTER_MS is the lease: 1 s here), then the CRM takes the writes.
const slowCrm = apiWriteDouble(async (writes) => {
  sent.push(...writes);
  await new Promise((r) => setTimeout(r, 3_000));
  return writes.map((w) => ({ writeId: w.writeId, ok: true as const }));
});

beforeAll(async () => {
  database = await createTestDatabase();
  sys = await startSystem(testEnv(database.url), { working: true, migrate: true, connectors: { api: slowCrm } });
}, 60_000);

afterAll(async () => {
  await sys?.close();
  if (sys) await cleanupQueue(sys.rt.env);
  await database?.drop();
});

it('sends a write once while its CRM call outlasts the lease, the sweeper running every 200 ms', async () => {
  const res = await sys.app.inject({
    method: 'POST',
    url: '/v1/leads',
    headers: { 'x-api-key': testApiKey },
    payload: leadBody('lease-0001'),
  });
  expect(res.statusCode).toBe(202);
  const sql = await sqlClient(database.url);
  try {
    await until(async () => (await sql.rows(`select 1 from outbox where status = 'done'`)).length === 1 || undefined, {
      what: 'the write done',
      timeoutMs: 20_000,
    });
    // A further lease and a few sweeps after it: still the one write.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(sent.map((w) => w.writeId)).toHaveLength(1);
  } finally {
    await sql.end();
  }
});
