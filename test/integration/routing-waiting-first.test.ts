// Waiting leads first: capacity a close frees goes to the lead a full pool was already holding,
// never to a new lead that arrives in the same batch as the close (or in a later one). No worker
// runs here: the test hands routeBatch its batches, so the race is the same every run.
import { expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestApiLead, ingestCrmEvents, routeBatch } from '../../src/pipeline/index.js';
import { useTestSystem } from '../support/system.js';

const routing = {
  reps: [{ id: 'capped', crmIds: { hubspot: '2' }, maxOpen: 1 }],
  pools: [{ id: 'ceiling', strategy: 'round_robin', members: ['capped'], queueWhenFull: { maxWaitMinutes: 600 } }],
  rules: [{ id: 'all', when: { match: 'always' }, action: { pool: 'ceiling' } }],
  sync: { closedWhen: [{ field: 'status', in: ['Closed - Won'] }] },
};
const mappings = { 'api/lead': { fields: [{ from: 'email', to: 'email' }] } };

let dir: string;

const sys = useTestSystem(() => {
  dir = mkdtempSync(join(tmpdir(), 'lr-waiting-'));
  writeFileSync(join(dir, 'config.yaml'), JSON.stringify({ mappings, routing }));
  return {
    env: { CONFIG_FILE: join(dir, 'config.yaml') },
    migrate: true,
    after: () => rmSync(dir, { recursive: true, force: true }),
  };
});

const lead = async (key: string) =>
  (await ingestApiLead(sys.rt.deps, { source: 'web', idempotencyKey: key, lead: { email: `${key}@acme.example` } }))
    .eventId;
const close = async (recordId: string, eventId: string) =>
  (
    await ingestCrmEvents(sys.rt.deps, 'crm', [
      {
        kind: 'updated',
        sourceEventId: eventId,
        record: { crm: 'api', objectType: 'lead', id: recordId },
        occurredAt: new Date().toISOString(),
        changedFields: ['status'],
        fields: { status: 'Closed - Won' },
      },
    ])
  ).events[0]!.eventId;
const outcomeOf = async (key: string) =>
  (
    await sys.sql.rows<{ status: string; outcome: string | null; rep_id: string | null }>(
      `select e.status, a.outcome, a.rep_id from inbound_events e left join assignments a on a.event_id = e.id where e.source_event_id = $1 order by a.created_at desc nulls last limit 1`,
      [key],
    )
  )[0];

it('places the waiting lead before a new lead that arrives in the same batch as the close, and one in a later batch', async () => {
  await routeBatch(sys.rt.deps, [await lead('first-0001')]);
  await routeBatch(sys.rt.deps, [await lead('waiting-01')]);
  expect(await outcomeOf('first-0001')).toEqual({ status: 'done', outcome: 'assigned', rep_id: 'capped' });
  expect(await outcomeOf('waiting-01')).toEqual({ status: 'queued', outcome: null, rep_id: null });

  // The close and a new lead in one batch: the close frees the one seat, the waiting lead takes it.
  const out = await routeBatch(sys.rt.deps, [await close('first-0001', 'close-1'), await lead('newcomer-1')]);
  expect([...out.values()]).toEqual([undefined, undefined]);
  expect(await outcomeOf('waiting-01')).toEqual({ status: 'done', outcome: 'assigned', rep_id: 'capped' });
  expect(await outcomeOf('newcomer-1')).toEqual({ status: 'queued', outcome: null, rep_id: null });

  // The close in one batch, a newer lead in the next: the one that waited longer still goes first.
  await routeBatch(sys.rt.deps, [await close('waiting-01', 'close-2')]);
  await routeBatch(sys.rt.deps, [await lead('newcomer-2')]);
  expect(await outcomeOf('newcomer-1')).toEqual({ status: 'done', outcome: 'assigned', rep_id: 'capped' });
  expect(await outcomeOf('newcomer-2')).toEqual({ status: 'queued', outcome: null, rep_id: null });
  const [open] = await sys.sql.rows<{ value: string }>(
    `select value from routing_counters where key = 'rep:capped:open'`,
  );
  expect(Number(open!.value)).toBe(1);
});
