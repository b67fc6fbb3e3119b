// A write the CRM accepted is never sent again because Postgres went down before it was marked
// done: the worker holds the result and stores it once the database is back (exactly once, not
// at least once). The CRM here is a double: the thing under test is the write-back's bookkeeping,
// and the double stops Postgres at the worst moment, after the CRM took the write.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { OwnerWrite } from '../../src/connector.js';
import { apiWriteDouble } from '../support/crm-double.js';
import { startPrivatePostgres, type PrivatePostgres } from '../support/private-postgres.js';
import { sqlClient } from '../support/services.js';
import { cleanupQueue, leadBody, startSystem, testApiKey, testEnv, type TestSystem } from '../support/system.js';
import { until } from '../support/until.js';

const port = Number(process.env.PRIVATE_PG_PORT_WRITE ?? 27533);
let pgServer: PrivatePostgres;
let sys: TestSystem;
const written: OwnerWrite[] = [];
let outage: Promise<void> | undefined;

// Leads posted to /v1/leads are written back through the `api` connector: replace it with one
// that, on its first call, takes the writes and then stops Postgres for a second.
const crm = apiWriteDouble(async (writes) => {
  written.push(...writes);
  if (!outage) {
    // Down when the CRM answers; back a second later, while the worker still holds the result.
    await pgServer.stop();
    outage = new Promise<void>((resolve) => setTimeout(() => void pgServer.start().then(resolve, resolve), 1_000));
  }
  return writes.map((w) => ({ writeId: w.writeId, ok: true as const }));
});

beforeAll(async () => {
  pgServer = await startPrivatePostgres({ port, dir: join(tmpdir(), `lead-router-write-pg-${port}`) });
  sys = await startSystem(testEnv(pgServer.url), { working: true, migrate: true, connectors: { api: crm } });
}, 120_000);

afterAll(async () => {
  await outage;
  await sys?.close().catch(() => {});
  if (sys) await cleanupQueue(sys.rt.env);
  await pgServer?.destroy();
});

it('stores the result of a write the CRM took while Postgres was down, and never sends it again', async () => {
  const res = await sys.app.inject({
    method: 'POST',
    url: '/v1/leads',
    headers: { 'x-api-key': testApiKey },
    payload: leadBody('outage-0001'),
  });
  expect(res.statusCode).toBe(202);
  const doneRows = async () => {
    const sql = await sqlClient(pgServer.url).catch(() => undefined);
    if (!sql) return undefined;
    try {
      const rows = await sql.rows<{ status: string; attempts: number }>(`select status, attempts from outbox`);
      return rows.length === 1 && rows[0]!.status === 'done' ? rows : undefined;
    } catch {
      return undefined;
    } finally {
      await sql.end().catch(() => {});
    }
  };
  const rows = await until(doneRows, { what: 'the outbox row done', timeoutMs: 30_000 });
  expect(rows).toEqual([{ status: 'done', attempts: 1 }]);
  // Past the sweeper's grace period (SWEEP_AFTER_MS = 1 s in tests): nothing is sent again.
  await new Promise((r) => setTimeout(r, 2_500));
  expect(written.map((w) => w.ownerId)).toHaveLength(1);
});
