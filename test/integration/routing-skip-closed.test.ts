// Closed records are not routed: a record created already closed (routing.sync.closedWhen) and a
// lead a skip rule matches are stored with outcome skipped and the reason; no owner, no outbox
// row (nothing goes to the CRM), no counter moves. routeBatch is called directly (no worker).
import { expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestApiLead, ingestCrmEvents, routeBatch } from '../../src/pipeline/index.js';
import { useTestSystem } from '../support/system.js';

const routing = {
  reps: [{ id: 'ana', crmIds: { hubspot: '101' } }],
  pools: [{ id: 'inbound', strategy: 'round_robin', members: ['ana'] }],
  rules: [
    {
      id: 'tests',
      when: { field: 'emailDomain', op: 'eq', value: 'example.org' },
      action: { skip: { reason: 'test submissions are not routed' } },
    },
    { id: 'all', when: { match: 'always' }, action: { pool: 'inbound' } },
  ],
  sync: {
    closedWhen: [
      { field: 'hs_lead_status', in: ['CLOSED_WON', 'CLOSED_LOST'] },
      { field: 'lifecyclestage', changedFrom: 'lead' },
    ],
  },
};
const mappings = {
  'api/lead': { fields: [{ from: 'email', to: 'email' }] },
  'hubspot/contact': { fields: [{ from: 'email', to: 'email' }] },
};

let dir: string;

const sys = useTestSystem(() => {
  dir = mkdtempSync(join(tmpdir(), 'lr-skip-'));
  writeFileSync(join(dir, 'config.yaml'), JSON.stringify({ mappings, routing }));
  return {
    env: { CONFIG_FILE: join(dir, 'config.yaml') },
    migrate: true,
    after: () => rmSync(dir, { recursive: true, force: true }),
  };
});

/** A HubSpot contact creation carrying its fields (so no CRM read is needed). */
const created = async (id: string, fields: Record<string, unknown>) =>
  (
    await ingestCrmEvents(sys.rt.deps, 'hubspot', [
      {
        kind: 'created',
        sourceEventId: `c-${id}`,
        record: { crm: 'hubspot', objectType: 'contact', id },
        occurredAt: new Date().toISOString(),
        fields: { email: `${id}@acme.example`, ...fields },
      },
    ])
  ).events[0]!.eventId;

const stored = (eventId: string) =>
  sys.sql.rows<{
    status: string;
    outcome: string;
    reason_code: string;
    rep_id: string | null;
    skip_reason: string;
    outbox: number;
    owner: string | null;
  }>(
    `select e.status, a.outcome, a.reason_code, a.rep_id, a.decision->>'skipReason' as skip_reason,
            (select count(*)::int from outbox o where o.assignment_id = a.id) as outbox,
            (select l.owner_rep_id from leads l where l.record_id = e.record_id) as owner
     from inbound_events e join assignments a on a.event_id = e.id where e.id = $1`,
    [eventId],
  );

it('stores a record created closed as skipped with the reason, writes nothing to the CRM and moves no counter', async () => {
  const won = await created('1001', { hs_lead_status: 'closed_won' });
  const open = await created('1002', { hs_lead_status: 'NEW' });
  // changedFrom describes a change: on creation it never makes a record closed.
  const stage = await created('1003', { lifecyclestage: 'customer' });
  expect([...(await routeBatch(sys.rt.deps, [won, open, stage])).values()]).toEqual([undefined, undefined, undefined]);

  expect(await stored(won)).toEqual([
    {
      status: 'done',
      outcome: 'skipped',
      reason_code: 'SKIPPED',
      rep_id: null,
      skip_reason: 'created closed: hs_lead_status is "closed_won" (routing.sync.closedWhen)',
      outbox: 0,
      owner: null,
    },
  ]);
  expect(await stored(open)).toMatchObject([
    { status: 'done', outcome: 'assigned', rep_id: 'ana', outbox: 1, owner: 'ana' },
  ]);
  expect(await stored(stage)).toMatchObject([{ status: 'done', outcome: 'assigned', rep_id: 'ana', outbox: 1 }]);
  const counters = await sys.sql.rows<{ key: string; value: string }>(
    `select key, value from routing_counters where key = 'rep:ana:open'`,
  );
  expect(counters).toEqual([{ key: 'rep:ana:open', value: '2' }]);
});

it('stores a lead a skip rule matches as skipped with the rule and its reason', async () => {
  const { eventId } = await ingestApiLead(sys.rt.deps, {
    source: 'web',
    idempotencyKey: 'test-sub-01',
    lead: { email: 'qa@example.org' },
  });
  await routeBatch(sys.rt.deps, [eventId]);
  expect(await stored(eventId)).toEqual([
    {
      status: 'done',
      outcome: 'skipped',
      reason_code: 'SKIPPED',
      rep_id: null,
      skip_reason: 'test submissions are not routed',
      outbox: 0,
      owner: null,
    },
  ]);
  const [a] = await sys.sql.rows<{ rule_id: string }>(`select rule_id from assignments where event_id = $1`, [eventId]);
  expect(a).toEqual({ rule_id: 'tests' });
});
