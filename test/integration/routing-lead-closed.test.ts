// A lead closed in the CRM frees its rep's open-lead ceiling, and a lead the pool was holding
// for that rep is placed at once (not at the next sweep, not only on a new day).
import { expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestApiLead, ingestCrmEvents } from '../../src/pipeline/index.js';
import { useTestSystem } from '../support/system.js';
import { until } from '../support/until.js';

const routing = {
  reps: [{ id: 'capped', crmIds: { hubspot: '2' }, maxOpen: 1 }],
  pools: [{ id: 'ceiling', strategy: 'round_robin', members: ['capped'], queueWhenFull: { maxWaitMinutes: 600 } }],
  rules: [{ id: 'all', when: { match: 'always' }, action: { pool: 'ceiling' } }],
  sync: { closedWhen: [{ field: 'status', in: ['Closed - Won', 'Closed - Lost'] }] },
};
const mappings = { 'api/lead': { fields: [{ from: 'email', to: 'email' }] } };

let dir: string;

const sys = useTestSystem(() => {
  dir = mkdtempSync(join(tmpdir(), 'lr-closed-'));
  writeFileSync(join(dir, 'config.yaml'), JSON.stringify({ mappings, routing }));
  // A sweep that would not come during the test: placing the held lead must not wait for it.
  return {
    env: { CONFIG_FILE: join(dir, 'config.yaml'), SWEEP_INTERVAL_MS: '600000' },
    working: true,
    migrate: true,
    after: () => rmSync(dir, { recursive: true, force: true }),
  };
});

const status = async (key: string) =>
  (await sys.sql.rows<{ status: string }>(`select status from inbound_events where source_event_id = $1`, [key]))[0]
    ?.status;
const open = async () =>
  Number(
    (await sys.sql.rows<{ value: string }>(`select value from routing_counters where key = 'rep:capped:open'`))[0]
      ?.value ?? 0,
  );
const closeEvent = (id: string, eventId: string, status: string) => ({
  kind: 'updated' as const,
  sourceEventId: eventId,
  record: { crm: 'api' as const, objectType: 'lead', id },
  occurredAt: new Date().toISOString(),
  changedFields: ['status'],
  fields: { status },
});

it('places the held lead as soon as the rep closes one, and frees the count once', async () => {
  await ingestApiLead(sys.rt.deps, { source: 'web', idempotencyKey: 'first-0001', lead: { email: 'a@acme.example' } });
  await until(async () => (await status('first-0001')) === 'done');
  await ingestApiLead(sys.rt.deps, { source: 'web', idempotencyKey: 'second-001', lead: { email: 'b@acme.example' } });
  await until(async () => (await status('second-001')) === 'queued', { what: 'the second lead held by the full pool' });
  expect(await open()).toBe(1);

  // A status change that is not a close frees nothing.
  await ingestCrmEvents(sys.rt.deps, 'crm', [closeEvent('first-0001', 'upd-1', 'Working')]);
  await until(async () => (await status('upd-1')) === 'done');
  expect(await status('second-001')).toBe('queued');

  await ingestCrmEvents(sys.rt.deps, 'crm', [closeEvent('first-0001', 'upd-2', 'Closed - Won')]);
  await until(async () => (await status('second-001')) === 'done', { what: 'the held lead placed after the close' });
  const [a] = await sys.sql.rows(
    `select a.outcome, a.rep_id from assignments a join inbound_events e on e.id = a.event_id where e.source_event_id = 'second-001'`,
  );
  expect(a).toEqual({ outcome: 'assigned', rep_id: 'capped' });
  expect(await open()).toBe(1); // one closed (-1), one placed (+1)

  // The same close told twice (a redelivery under another event id) frees nothing more.
  await ingestCrmEvents(sys.rt.deps, 'crm', [closeEvent('first-0001', 'upd-3', 'Closed - Lost')]);
  await until(async () => (await status('upd-3')) === 'done');
  expect(await open()).toBe(1);
  const [lead] = await sys.sql.rows<{ closed: boolean }>(
    `select closed_at is not null as closed from leads where record_id = 'first-0001'`,
  );
  expect(lead).toEqual({ closed: true });
});
