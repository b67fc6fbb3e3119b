import { describe, expect, it } from 'vitest';
import { routingConfigSchema, slaSchema } from '../../../src/routing/index.js';
import { excludeReps, isClaimed, onSlaBreach, slaFor, type SlaBreachContext } from '../../../src/sync/index.js';
import { aConfig, aPool, aRep } from '../../builders/index.js';

describe('isClaimed', () => {
  const sla = slaSchema.parse({
    minutes: 30,
    claimedWhen: [
      { field: 'hs_lead_status', notIn: ['NEW', ''] },
      { field: 'Status', changedFrom: 'Open - Not Contacted' },
      { field: 'first_call', in: [true] },
    ],
  });

  it('claims when a named field leaves the listed values (notIn)', () => {
    expect(isClaimed({ changedFields: ['hs_lead_status'], fields: { hs_lead_status: 'IN_PROGRESS' } }, sla)).toBe(true);
    expect(isClaimed({ changedFields: ['hs_lead_status'], fields: { hs_lead_status: 'new ' } }, sla)).toBe(false);
  });

  it('never claims on a blank value or a field the change does not carry', () => {
    expect(isClaimed({ fields: { hs_lead_status: null } }, sla)).toBe(false);
    expect(isClaimed({ fields: { hs_lead_status: '  ' } }, sla)).toBe(false);
    expect(isClaimed({ changedFields: ['hs_lead_status'] }, sla)).toBe(false);
    expect(isClaimed({ fields: { lifecyclestage: 'customer' } }, sla)).toBe(false);
  });

  it('claims when a field leaves a value (changedFrom), judged on the previous value when known', () => {
    expect(isClaimed({ fields: { Status: 'Working - Contacted' } }, sla)).toBe(true);
    expect(isClaimed({ fields: { status: 'Working - Contacted' } }, sla)).toBe(true); // Salesforce names are case-insensitive
    expect(isClaimed({ fields: { Status: 'Open - Not Contacted' } }, sla)).toBe(false);
    expect(isClaimed({ fields: { Status: 'Working - Contacted' }, previous: { Status: 'Nurture' } }, sla)).toBe(false);
    expect(
      isClaimed({ fields: { Status: 'Working - Contacted' }, previous: { Status: 'open - not contacted' } }, sla),
    ).toBe(true);
  });

  it('claims when a field takes one of the listed values (in), values compared as text', () => {
    expect(isClaimed({ fields: { first_call: 'true' } }, sla)).toBe(true);
    expect(isClaimed({ fields: { first_call: false } }, sla)).toBe(false);
  });

  it('is never claimed by field changes when the SLA names none (only an explicit claim counts)', () => {
    expect(isClaimed({ fields: { hs_lead_status: 'IN_PROGRESS' } }, slaSchema.parse({ minutes: 30 }))).toBe(false);
  });
});

describe('onSlaBreach', () => {
  const ctx = (o: Partial<SlaBreachContext> = {}): SlaBreachContext => ({
    sla: { maxReassignments: 2, managerRepId: 'boss' },
    reassignmentsSoFar: 0,
    timerRepId: 'ana',
    currentOwnerRepId: 'ana',
    claimed: false,
    ...o,
  });

  it('reassigns while under K, excluding every rep who already let it lapse', () => {
    expect(onSlaBreach(ctx())).toEqual({ kind: 'reassign', attempt: 1, excludeRepIds: ['ana'] });
    expect(
      onSlaBreach(ctx({ reassignmentsSoFar: 1, timerRepId: 'bo', currentOwnerRepId: 'bo', breachedRepIds: ['ana'] })),
    ).toEqual({ kind: 'reassign', attempt: 2, excludeRepIds: ['ana', 'bo'] });
  });

  it('escalates to the manager after K reassignments, then stops', () => {
    expect(onSlaBreach(ctx({ reassignmentsSoFar: 2 }))).toEqual({ kind: 'escalate', managerRepId: 'boss' });
    expect(onSlaBreach(ctx({ reassignmentsSoFar: 2, timerRepId: 'boss', currentOwnerRepId: 'boss' }))).toEqual({
      kind: 'stop',
      reason: 'ESCALATED',
    });
  });

  it('stops after K when the pool names no manager', () => {
    expect(onSlaBreach(ctx({ sla: { maxReassignments: 1 }, reassignmentsSoFar: 1 }))).toEqual({
      kind: 'stop',
      reason: 'MAX_REASSIGNMENTS',
    });
    expect(onSlaBreach(ctx({ sla: { maxReassignments: 0 } }))).toEqual({ kind: 'stop', reason: 'MAX_REASSIGNMENTS' });
  });

  it('does nothing for a claimed lead or one whose owner changed since the timer was armed', () => {
    expect(onSlaBreach(ctx({ claimed: true }))).toEqual({ kind: 'stop', reason: 'CLAIMED' });
    expect(onSlaBreach(ctx({ currentOwnerRepId: 'bo' }))).toEqual({ kind: 'stop', reason: 'OWNER_CHANGED' });
    expect(onSlaBreach(ctx({ currentOwnerRepId: null }))).toEqual({ kind: 'stop', reason: 'OWNER_CHANGED' });
  });
});

describe('slaFor and excludeReps', () => {
  const ana = aRep({ id: 'ana' });
  const bo = aRep({ id: 'bo' });
  const config = aConfig({
    pools: [aPool({ id: 'dach', reps: [ana, bo], sla: { minutes: 60 } }), aPool({ id: 'other', reps: [bo] })],
  });

  it('finds the SLA of the routing pool with its defaults filled', () => {
    expect(slaFor(config, 'dach')).toEqual({ minutes: 60, workingHours: false, claimedWhen: [], maxReassignments: 1 });
    expect(slaFor(config, 'other')).toBeUndefined();
    expect(slaFor(config, null)).toBeUndefined();
  });

  it('marks excluded reps inactive in a copy, keeping pool order and the original untouched', () => {
    const copy = excludeReps(config, ['ana']);
    expect(copy.reps.map((r) => [r.id, r.active])).toEqual([
      ['ana', false],
      ['bo', true],
    ]);
    expect(copy.pools).toBe(config.pools);
    expect(config.reps[0]!.active).toBe(true);
    expect(excludeReps(config, [])).toBe(config);
  });

  it('parses an SLA in the config file format and reports a bad claim condition by path', () => {
    const bad = routingConfigSchema.safeParse({
      reps: [{ id: 'ana' }],
      pools: [
        {
          id: 'p',
          strategy: 'round_robin',
          members: ['ana'],
          sla: { minutes: 30, claimedWhen: [{ field: 'Status', notIn: [] }, { field: 'x' }] },
        },
      ],
      rules: [],
    });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['pools.0.sla.claimedWhen.0.notIn', 'Too small: expected array to have >=1 items'],
      [
        'pools.0.sla.claimedWhen.1',
        'a claim condition is { field, notIn: [...] }, { field, in: [...] } or { field, changedFrom }',
      ],
    ]);
  });
});
