import { describe, expect, it } from 'vitest';
import type { InboundEventRow } from '../../../src/db/index.js';
import type { Lead } from '../../../src/lead/index.js';
import { planRoutingBatch, type RoutableLead, type RoutingSettings } from '../../../src/sync/index.js';
import { skippedAsClosed } from '../../../src/pipeline/skip-closed.js';
import { aConfig, aLead, aPool, aRep, at, noHistory } from '../../builders/index.js';

const now = at('2026-11-25T10:00:00Z');

function settings(pool = aPool({ id: 'inbound', reps: [aRep({ id: 'ana' }), aRep({ id: 'bo' })] })): RoutingSettings {
  return { config: aConfig({ pools: [pool] }), mappings: {}, version: 3 };
}

function routable(lead: Lead, id: string, status = 'received'): RoutableLead {
  const ev = {
    id,
    crm: lead.source.crm,
    objectType: lead.source.objectType,
    recordId: lead.source.id,
    kind: 'created',
    status,
    payload: {},
    receivedAt: at('2026-11-25T09:59:00Z'),
  } as InboundEventRow;
  return { ev, lead, warnings: [] };
}

describe('planRoutingBatch', () => {
  it('writes the lead, its assignment and an owner write for each assigned lead, and moves the rotation', () => {
    const one = aLead({ source: { id: 'c-1' } });
    const two = aLead({ source: { id: 'c-2' } });
    const plan = planRoutingBatch([routable(one, 'ev-1'), routable(two, 'ev-2')], settings(), noHistory(), now);
    expect(plan.writes.leads).toEqual([
      { crm: 'hubspot', objectType: 'contact', recordId: 'c-1', data: one, ownerRepId: 'ana', crmOwnerId: 'hs-ana' },
      { crm: 'hubspot', objectType: 'contact', recordId: 'c-2', data: two, ownerRepId: 'bo', crmOwnerId: 'hs-bo' },
    ]);
    expect(plan.writes.assignments).toMatchObject([
      { eventId: 'ev-1', recordId: 'c-1', outcome: 'assigned', repId: 'ana', poolId: 'inbound', configVersion: 3 },
      { eventId: 'ev-2', recordId: 'c-2', outcome: 'assigned', repId: 'bo', poolId: 'inbound', configVersion: 3 },
    ]);
    expect(plan.writes.outbox).toEqual([
      { eventId: 'ev-1', ownerId: 'hs-ana', extraFields: null },
      { eventId: 'ev-2', ownerId: 'hs-bo', extraFields: null },
    ]);
    expect(plan.writes.counterDeltas).toMatchObject({ 'rep:ana:open': 1, 'rep:bo:open': 1 });
    expect(plan.writes.doneEventIds).toEqual(['ev-1', 'ev-2']);
    expect(plan.writes.reassignedEventIds).toEqual(['ev-1', 'ev-2']);
    expect(plan.writes.timers).toEqual([]);
    expect(plan.writes.queued).toEqual([]);
  });

  it('arms an SLA timer for an assignment into a pool with an SLA', () => {
    const pool = aPool({ id: 'inbound', reps: [aRep({ id: 'ana' })], sla: { minutes: 30, maxReassignments: 1 } });
    const plan = planRoutingBatch([routable(aLead(), 'ev-1')], settings(pool), noHistory(), now);
    expect(plan.writes.timers).toEqual([
      { eventId: 'ev-1', poolId: 'inbound', repId: 'ana', dueAt: at('2026-11-25T10:30:00Z'), reassignments: 0 },
    ]);
  });

  it('defers a second trigger for a record already in the batch, and writes it nothing', () => {
    const lead = aLead({ source: { id: 'c-1' } });
    const plan = planRoutingBatch([routable(lead, 'ev-1'), routable(lead, 'ev-2')], settings(), noHistory(), now);
    expect(plan.deferred).toEqual(['ev-2']);
    expect(plan.writes.assignments.map((a) => a.eventId)).toEqual(['ev-1']);
    expect(plan.writes.doneEventIds).toEqual(['ev-1']);
  });

  it('keeps a lead a full pool holds queued, with its score, and writes no lead, assignment or owner write for it', () => {
    const pool = aPool({
      id: 'inbound',
      reps: [aRep({ id: 'ana', maxOpen: 0 })],
      queueWhenFull: { maxWaitMinutes: 30 },
    });
    const plan = planRoutingBatch([routable(aLead({ score: 80 }), 'ev-1')], settings(pool), noHistory(), now);
    expect(plan.decided.map((r) => r.decision.kind)).toEqual(['queued']);
    // The pool it waits for is kept for GET /v1/reports/waiting.
    expect(plan.writes.queued).toEqual([{ id: 'ev-1', score: 80, poolId: 'inbound' }]);
    expect(plan.writes.reports).toEqual([]);
    expect(plan.writes.leads).toEqual([]);
    expect(plan.writes.assignments).toEqual([]);
    expect(plan.writes.outbox).toEqual([]);
    expect(plan.writes.doneEventIds).toEqual([]);
  });

  it('stores a lead created closed as skipped, and leaves the state it was given as it was', () => {
    const state = noHistory();
    const closed = skippedAsClosed({ field: 'Status', in: ['Closed - Won'] }, { Status: 'Closed - Won' });
    const plan = planRoutingBatch(
      [{ ...routable(aLead(), 'ev-1'), closed }, routable(aLead(), 'ev-2')],
      settings(),
      state,
      now,
    );
    expect(plan.writes.assignments).toMatchObject([
      { eventId: 'ev-1', outcome: 'skipped', reasonCode: 'SKIPPED', repId: null, crmOwnerId: null },
      { eventId: 'ev-2', outcome: 'assigned', repId: 'ana' },
    ]);
    expect(plan.writes.outbox.map((o) => o.eventId)).toEqual(['ev-2']);
    expect(state).toEqual(noHistory());
  });
});
