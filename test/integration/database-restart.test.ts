// A Postgres restart under a running service: while the database is down, intake answers
// 503 NOT_READY with Retry-After (the caller retries; nothing is acknowledged that is not
// stored), never 500; once it is back, the pool reconnects on its own and the next lead is
// stored, acknowledged and routed. Runs on a Postgres of its own (the shared one is never stopped).
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startPrivatePostgres, type PrivatePostgres } from '../support/private-postgres.js';
import { outboundMessage, sfId, SF_OUTBOUND_TOKEN, standinSalesforceConfig } from '../support/salesforce-outbound.js';
import { sqlClient } from '../support/services.js';
import { cleanupQueue, leadBody, startSystem, testApiKey, testEnv, type TestSystem } from '../support/system.js';
import { until } from '../support/until.js';

const port = Number(process.env.PRIVATE_PG_PORT ?? 27532);
let pgServer: PrivatePostgres;
let sys: TestSystem;

beforeAll(async () => {
  pgServer = await startPrivatePostgres({ port, dir: join(tmpdir(), `lead-router-restart-pg-${port}`) });
  // Salesforce configured for its outbound-message route only (nothing is routed through it here).
  sys = await startSystem(testEnv(pgServer.url, { SALESFORCE_CONFIG: standinSalesforceConfig('http://127.0.0.1:9') }), {
    working: true,
    migrate: true,
  });
}, 120_000);

afterAll(async () => {
  await sys?.close().catch(() => {});
  if (sys) await cleanupQueue(sys.rt.env);
  await pgServer?.destroy();
});

const post = (key: string) =>
  sys.app.inject({ method: 'POST', url: '/v1/leads', headers: { 'x-api-key': testApiKey }, payload: leadBody(key) });

async function routedOwner(eventId: string): Promise<string | undefined> {
  const sql = await sqlClient(pgServer.url);
  try {
    const [row] = await sql.rows<{ rep_id: string }>(
      `select a.rep_id from assignments a join outbox o on o.assignment_id = a.id where a.event_id = $1 and o.status = 'done'`,
      [eventId],
    );
    return row?.rep_id;
  } finally {
    await sql.end();
  }
}

it('answers 503 with Retry-After while Postgres is down, and 202 and routes once it is back', async () => {
  const before = await post('restart-0001');
  expect(before.statusCode).toBe(202);
  expect(await until(() => routedOwner(before.json().eventId), { what: 'the first lead routed' })).toBe('ana');

  await pgServer.stop();
  const down = await post('restart-0002');
  expect(down.statusCode).toBe(503);
  expect(down.headers['retry-after']).toBe('5');
  expect(down.json()).toEqual({ code: 'NOT_READY', message: 'the database is not reachable' });
  const outbound = await sys.app.inject({
    method: 'POST',
    url: `/webhooks/salesforce/${SF_OUTBOUND_TOKEN}`,
    headers: { 'content-type': 'text/xml; charset=utf-8' },
    payload: outboundMessage([{ id: sfId('04l', 1), fields: { Id: sfId('00Q', 1), Email: 'pat@acme.example' } }]),
  });
  expect(outbound.statusCode).toBe(503);
  expect(outbound.headers['retry-after']).toBe('5');
  expect(outbound.body).toContain('<faultcode>soapenv:Server</faultcode>');
  expect(outbound.body).toContain('NOT_READY');
  const ready = await sys.app.inject({ method: 'GET', url: '/readyz' });
  expect(ready.statusCode).toBe(503);
  expect(ready.headers['retry-after']).toBe('5');

  await pgServer.start();
  const after = await post('restart-0002');
  expect(after.statusCode).toBe(202);
  expect(
    await until(() => routedOwner(after.json().eventId), { what: 'the lead posted after the restart routed' }),
  ).toBe('bo'); // round-robin: next after ana
});
