import { describe, expect, it } from 'vitest';
import type { LeadRowForSync, SlaTimerRow } from '../../../src/db/index.js';
import { planSlaFire, type SlaFireSettings } from '../../../src/sync/index.js';
import { notificationsSchema } from '../../../src/notify/index.js';
import { aConfig, aLead, aPool, aRep, at, noHistory } from '../../builders/index.js';

const now = at('2026-11-25T10:31:00Z');
const ana = aRep({ id: 'ana' });
const bo = aRep({ id: 'bo' });
const boss = aRep({ id: 'boss' });

function settings(maxReassignments = 1): SlaFireSettings {
  const pool = aPool({ id: 'inbound', reps: [ana, bo], sla: { minutes: 30, maxReassignments, managerRepId: 'boss' } });
  return { config: aConfig({ pools: [pool], reps: [boss] }), mappings: {}, version: 4 };
}

const timer = {
  id: 't-1',
  leadId: 'lead-1',
  assignmentId: 'a-1',
  poolId: 'inbound',
  repId: 'ana',
  dueAt: at('2026-11-25T10:30:00Z'),
  status: 'pending',
  reassignments: 0,
  createdAt: at('2026-11-25T10:00:00Z'),
} as SlaTimerRow;

function aLeadRow(overrides: Partial<LeadRowForSync> = {}): LeadRowForSync {
  return {
    id: 'lead-1',
    crm: 'hubspot',
    objectType: 'contact',
    recordId: 'rec-1',
    data: aLead({ source: { id: 'rec-1' } }),
    ownerRepId: 'ana',
    crmOwnerId: 'hs-ana',
    claimedAt: null,
    ...overrides,
  } as LeadRowForSync;
}

const ids = () => {
  let n = 0;
  return () => `id-${++n}`;
};
const fire = (lead: LeadRowForSync, s = settings(), t = timer, breachedRepIds: string[] = []) =>
  planSlaFire({ timer: t, lead, breachedRepIds, state: noHistory() }, s, now, ids());

describe('planSlaFire', () => {
  it('reassigns an unclaimed lead to another rep: breach event, assignment, owner write, counters, next timer', () => {
    const plan = fire(aLeadRow());
    expect(plan).toMatchObject({
      kind: 'breach',
      result: 'reassigned',
      breach: 'reassign',
      event: { source: 'sla', sourceEventId: 't-1:1', kind: 'slaBreach', recordId: 'rec-1' },
      assignment: { id: 'id-1', leadId: 'lead-1', outcome: 'assigned', repId: 'bo', crmOwnerId: 'hs-bo' },
      outbox: [{ id: 'id-2', assignmentId: 'id-1', ownerId: 'hs-bo', recordId: 'rec-1' }],
      leadPatches: [{ id: 'lead-1', ownerRepId: 'bo', crmOwnerId: 'hs-bo', ownerSince: now }],
      close: { status: 'breached', reason: 'REASSIGNED', breachAction: 'reassign', nextRepId: 'bo' },
      endPendingTimersExcept: 'id-1',
      timers: [
        { leadId: 'lead-1', assignmentId: 'id-1', repId: 'bo', dueAt: at('2026-11-25T11:01:00Z'), reassignments: 1 },
      ],
      from: 'ana',
      to: 'bo',
    });
    // ana gives back the open lead (keeps the day's charge); bo takes it.
    expect(plan.kind === 'breach' && plan.stateChange.counterDeltas).toMatchObject({
      'rep:ana:open': -1,
      'rep:bo:open': 1,
    });
  });

  it('tells the new owner in the plan, and warns them before the next timer (joined by its id)', () => {
    const s = settings();
    const withEmail = {
      ...s,
      config: { ...s.config, reps: s.config.reps.map((r) => ({ ...r, email: `${r.id}@example.com` })) },
    };
    const plan = fire(aLeadRow(), {
      ...withEmail,
      notifications: notificationsSchema.parse({ defaultChannel: 'email', quietHours: 'send', slaWarningMinutes: 10 }),
    });
    expect(plan.kind === 'breach' && plan.timers[0]!.id).toBe('id-3');
    expect(
      plan.kind === 'breach' &&
        plan.notifications.map((n) => [n.event, n.target, n.dedupeKey, n.assignmentId, n.slaTimerId, n.notBefore]),
    ).toEqual([
      ['slaBreach', 'bo@example.com', 'slaBreach:t-1:1:email:bo@example.com', 'id-1', null, null],
      [
        'slaWarning',
        'bo@example.com',
        'slaWarning:t-1:1:email:bo@example.com',
        'id-1',
        'id-3',
        at('2026-11-25T10:51:00Z'),
      ],
    ]);
  });

  it('only closes the timer when the lead was worked (claimed) or someone else owns it now', () => {
    expect(fire(aLeadRow({ claimedAt: at('2026-11-25T10:10:00Z') }))).toEqual({
      kind: 'close',
      result: 'stopped',
      close: { status: 'claimed', reason: 'CLAIMED' },
    });
    expect(fire(aLeadRow({ ownerRepId: 'bo', crmOwnerId: 'hs-bo' }))).toEqual({
      kind: 'close',
      result: 'stopped',
      close: { status: 'cancelled', reason: 'OWNER_CHANGED' },
    });
  });

  it('escalates to the manager after the last allowed reassignment, and arms no further timer', () => {
    const plan = fire(aLeadRow({ ownerRepId: 'bo' }), settings(1), { ...timer, repId: 'bo', reassignments: 1 }, [
      'ana',
    ]);
    expect(plan).toMatchObject({
      kind: 'breach',
      result: 'escalated',
      assignment: { repId: 'boss', crmOwnerId: 'hs-boss', reasonCode: 'SLA_ESCALATED' },
      outbox: [{ ownerId: 'hs-boss' }],
      close: { status: 'breached', reason: 'ESCALATED', nextRepId: 'boss' },
      timers: [],
    });
    expect(plan.kind === 'breach' && plan.endPendingTimersExcept).toBeUndefined();
  });

  it('cancels a timer whose pool no longer has an SLA', () => {
    const noSla = { ...settings(), config: aConfig({ pools: [aPool({ id: 'inbound', reps: [ana, bo] })] }) };
    expect(fire(aLeadRow(), noSla)).toEqual({
      kind: 'close',
      result: 'stopped',
      close: { status: 'cancelled', reason: 'NO_SLA' },
    });
  });
});
