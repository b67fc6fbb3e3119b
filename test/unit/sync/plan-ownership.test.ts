import { describe, expect, it } from 'vitest';
import type { InboundEventRow, LeadRowForSync, LedgerWriteRow, RoutedBy } from '../../../src/db/index.js';
import {
  planOwnershipSync,
  revertReasonCode,
  type OwnershipFacts,
  type OwnershipSettings,
} from '../../../src/sync/index.js';
import { aConfig, aPool, aRep, at } from '../../builders/index.js';
import { ourIdentity } from './helpers.js';

const ana = aRep({ id: 'ana' });
const bo = aRep({ id: 'bo' });
const now = at('2026-11-25T10:05:00Z');

function settings(policy: 'crm_wins' | 'router_wins' = 'crm_wins'): OwnershipSettings {
  return {
    config: aConfig({ pools: [aPool({ id: 'inbound', reps: [ana, bo] })], sync: { conflictPolicy: { policy } } }),
    mappings: {},
    version: 7,
    identity: ourIdentity,
    echoWindowSeconds: undefined,
  };
}

function anEvent(payload: Record<string, unknown>, id = 'ev-1'): InboundEventRow {
  return {
    id,
    crm: 'hubspot',
    objectType: 'contact',
    recordId: 'rec-1',
    kind: 'ownerChanged',
    payload: { occurredAt: '2026-11-25T10:01:00Z', ...payload },
    receivedAt: at('2026-11-25T10:01:01Z'),
  } as InboundEventRow;
}

const lead = {
  id: 'lead-1',
  crm: 'hubspot',
  objectType: 'contact',
  recordId: 'rec-1',
  ownerRepId: 'ana',
  crmOwnerId: 'hs-ana',
  ownerSince: null,
  lastOwnerChangeAt: at('2026-11-25T10:00:00Z'),
} as LeadRowForSync;

const ourWrite: LedgerWriteRow = {
  id: 'w-1',
  leadId: 'lead-1',
  ownerId: 'hs-ana',
  status: 'done',
  createdAt: at('2026-11-25T10:00:00Z'),
  doneAt: at('2026-11-25T10:00:01Z'),
  confirmedAt: null,
};

const routed: RoutedBy = {
  assignmentId: 'a-1',
  ruleId: 'r1',
  poolId: 'inbound',
  repId: 'ana',
  crmOwnerId: 'hs-ana',
  configVersion: 6,
  createdAt: at('2026-11-25T10:00:00Z'),
};

function facts(events: InboundEventRow[], leads: LeadRowForSync[] = [lead]): OwnershipFacts {
  return {
    events,
    leads,
    writes: new Map([['lead-1', [ourWrite]]]),
    routed: new Map([['lead-1', routed]]),
    reverts: new Map(),
  };
}

const ids = () => {
  let n = 0;
  return () => `id-${++n}`;
};

describe('planOwnershipSync', () => {
  it('confirms our own write when its echo comes back, and writes no conflict and moves no counter', () => {
    const plan = planOwnershipSync(
      facts([anEvent({ newOwnerId: 'hs-ana', changeSource: 'INTEGRATION', sourceId: '4242' })]),
      settings(),
      now,
      ids(),
    );
    expect(plan.confirmedWriteIds).toEqual(['w-1']);
    expect(plan.ownershipChanges).toMatchObject([{ eventId: 'ev-1', classification: 'echo', matchedWriteId: 'w-1' }]);
    expect(plan.conflicts).toEqual([]);
    expect(plan.assignments).toEqual([]);
    expect(plan.outbox).toEqual([]);
    expect(plan.counterDeltas).toEqual({});
    expect(plan.cancelTimersOf).toEqual([]);
    expect(plan.doneEventIds).toEqual(['ev-1']);
  });

  it("adopts a person's change under crm_wins: a conflict row, the counters follow, the SLA timer ends", () => {
    const plan = planOwnershipSync(
      facts([anEvent({ newOwnerId: 'hs-bo', changedBy: 'user-9', changeSource: 'CRM_UI' })]),
      settings('crm_wins'),
      now,
      ids(),
    );
    expect(plan.conflicts).toMatchObject([
      {
        leadId: 'lead-1',
        crmOwnerId: 'hs-bo',
        crmRepId: 'bo',
        routerRepId: 'ana',
        policy: 'crm_wins',
        outcome: 'adopted',
      },
    ]);
    expect(plan.counterDeltas).toMatchObject({ 'rep:ana:open': -1, 'rep:bo:open': 1 });
    expect(plan.leadPatches).toEqual([
      {
        id: 'lead-1',
        ownerRepId: 'bo',
        crmOwnerId: 'hs-bo',
        ownerSince: at('2026-11-25T10:01:00Z'),
        lastOwnerChangeAt: at('2026-11-25T10:01:00Z'),
      },
    ]);
    expect(plan.cancelTimersOf).toEqual(['lead-1']);
    expect(plan.outbox).toEqual([]);
    expect(plan.metrics.conflicts).toEqual([{ policy: 'crm_wins', outcome: 'adopted' }]);
  });

  it("reverts a person's change under router_wins: one assignment and one outbox row back to our owner", () => {
    const plan = planOwnershipSync(
      facts([anEvent({ newOwnerId: 'hs-bo', changedBy: 'user-9', changeSource: 'CRM_UI' })]),
      settings('router_wins'),
      now,
      ids(),
    );
    expect(plan.assignments).toMatchObject([
      {
        id: 'id-1',
        eventId: 'ev-1',
        leadId: 'lead-1',
        outcome: 'assigned',
        repId: 'ana',
        crmOwnerId: 'hs-ana',
        reasonCode: revertReasonCode,
        configVersion: 6,
      },
    ]);
    expect(plan.outbox).toMatchObject([{ id: 'id-2', assignmentId: 'id-1', ownerId: 'hs-ana', recordId: 'rec-1' }]);
    expect(plan.conflicts).toMatchObject([{ outcome: 'reverted', attempt: 1, revertWriteId: 'id-2' }]);
    expect(plan.counterDeltas).toEqual({});
    expect(plan.cancelTimersOf).toEqual([]);
  });

  it('records an owner change of a record it never routed as unknown_record and writes nothing else', () => {
    const plan = planOwnershipSync(
      facts([anEvent({ newOwnerId: 'hs-bo', changedBy: 'u' })], []),
      settings(),
      now,
      ids(),
    );
    expect(plan.ownershipChanges).toMatchObject([{ classification: 'unknown_record', leadId: null }]);
    expect(plan.leadPatches).toEqual([]);
    expect(plan.conflicts).toEqual([]);
  });

  it('applies a batch oldest first, each event against what the earlier ones left, and leaves its facts as given', () => {
    const f = facts([
      anEvent({ newOwnerId: 'hs-ana', changedBy: 'u', occurredAt: '2026-11-25T10:03:00Z' }, 'ev-late'),
      anEvent({ newOwnerId: 'hs-bo', changedBy: 'u', occurredAt: '2026-11-25T10:02:00Z' }, 'ev-early'),
    ]);
    const plan = planOwnershipSync(f, settings('crm_wins'), now, ids());
    expect(plan.ownershipChanges.map((c) => [c.eventId, c.previousOwnerId, c.newOwnerId])).toEqual([
      ['ev-early', 'hs-ana', 'hs-bo'],
      ['ev-late', 'hs-bo', 'hs-ana'],
    ]);
    // Back to ana: her open load is where it started.
    expect(plan.counterDeltas['rep:ana:open']).toBe(0);
    expect(f.leads[0]!.crmOwnerId).toBe('hs-ana');
    expect(f.writes.get('lead-1')).toEqual([ourWrite]);
  });
});
