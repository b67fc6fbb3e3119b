// Two routing batches in flight in one process take the routing lock in the order they were
// formed, not the order their record reads answer: the first batch's lead (a HubSpot creation,
// read from the CRM in ~400 ms) gets round robin's first rep even though the second batch's API
// lead (no read) was ready long before it. Without the line (src/pipeline/arrival-order.ts) the
// later lead commits first and takes ana. routeBatch is called directly (no worker).
import { expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestApiLead, ingestCrmEvents, routeBatch } from '../../src/pipeline/index.js';
import { startHubSpotStandIn, type HubSpotStandIn } from '../support/hubspot-standin.js';
import { useTestSystem } from '../support/system.js';

const routing = {
  reps: [
    { id: 'ana', crmIds: { hubspot: '101', api: 'ana' } },
    { id: 'bo', crmIds: { hubspot: '102', api: 'bo' } },
  ],
  pools: [{ id: 'inbound', strategy: 'round_robin', members: ['ana', 'bo'] }],
  rules: [{ id: 'all', when: { match: 'always' }, action: { pool: 'inbound' } }],
};
const mappings = {
  'api/lead': { fields: [{ from: 'email', to: 'email' }] },
  'hubspot/contact': { fields: [{ from: 'email', to: 'email' }] },
};

let dir: string;
let hs: HubSpotStandIn;

const sys = useTestSystem(async () => {
  hs = await startHubSpotStandIn({
    records: { contacts: { '9001': { email: 'first@acme.example' } } },
    latency: { rttMs: 400 },
  });
  dir = mkdtempSync(join(tmpdir(), 'lr-arrival-'));
  writeFileSync(join(dir, 'config.yaml'), JSON.stringify({ mappings, routing }));
  const hubspot = {
    baseUrl: hs.url,
    auth: { kind: 'private_app', token: 'pat-order' },
    clientSecret: 'order-secret-01',
  };
  return {
    env: { CONFIG_FILE: join(dir, 'config.yaml'), HUBSPOT_CONFIG: JSON.stringify(hubspot) },
    migrate: true,
    after: async () => {
      await hs?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

it('a batch formed first takes the lock first, though a later batch was ready sooner', async () => {
  const [first] = (
    await ingestCrmEvents(sys.rt.deps, 'hubspot', [
      {
        kind: 'created',
        sourceEventId: 'c-9001',
        record: { crm: 'hubspot', objectType: 'contact', id: '9001' },
        occurredAt: new Date().toISOString(),
      },
    ])
  ).events;
  const second = await ingestApiLead(sys.rt.deps, {
    source: 'web',
    idempotencyKey: 'second-lead',
    lead: { email: 'second@acme.example' },
  });

  const batches = [routeBatch(sys.rt.deps, [first!.eventId]), routeBatch(sys.rt.deps, [second.eventId])];
  await Promise.all(batches);

  const owners = await sys.sql.rows<{ record_id: string; rep_id: string }>(
    `select l.record_id, a.rep_id from assignments a join leads l on l.id = a.lead_id order by l.record_id`,
  );
  // The CRM was asked for the first lead's record: it really was the slow one.
  expect(hs.requests.some((r) => r.path.startsWith('/crm/v3/objects/contacts'))).toBe(true);
  expect(owners).toEqual([
    { record_id: '9001', rep_id: 'ana' },
    { record_id: 'second-lead', rep_id: 'bo' },
  ]);
});
