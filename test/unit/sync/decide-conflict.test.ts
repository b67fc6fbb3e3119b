import { describe, expect, it } from 'vitest';
import { routingConfigSchema, type RoutingConfig } from '../../../src/routing/index.js';
import { decideConflict, resolveConflictPolicy, type ConflictContext } from '../../../src/sync/index.js';
import { aConfig, aPool, aQueue, aRep, aRule, at } from '../../builders/index.js';

const ana = aRep({ id: 'ana', timeZone: 'Europe/Berlin' });
const bo = aRep({ id: 'bo', timeZone: 'America/New_York' });
const gone = aRep({ id: 'gone', active: false });
const config = aConfig({
  pools: [aPool({ id: 'dach', reps: [ana, bo, gone] })],
  queues: [aQueue('unworked', { hubspot: 'hs-queue' })],
});

function ctx(overrides: Partial<ConflictContext> = {}): ConflictContext {
  return {
    config,
    crm: 'hubspot',
    previousOwnerId: 'hs-ana',
    previousOwnerSince: at('2026-11-24T22:30:00Z'), // 23:30 Tuesday in Berlin
    newOwnerId: 'hs-bo',
    changedAt: at('2026-11-25T03:00:00Z'), // 22:00 Tuesday in New York
    routerOwnerId: 'hs-ana',
    routerWrittenAt: at('2026-11-24T22:30:05Z'),
    revertsSoFar: 0,
    ...overrides,
  };
}

describe('crm_wins', () => {
  it("adopts the new owner and moves open, day, week and month counters in each rep's own calendar", () => {
    expect(decideConflict({ policy: 'crm_wins' }, ctx())).toEqual({
      action: 'adopt',
      outcome: 'adopted',
      policy: 'crm_wins',
      owner: { crmOwnerId: 'hs-bo', repId: 'bo', queueId: null },
      counterDeltas: {
        'rep:ana:open': -1,
        'rep:ana:day:2026-11-24': -1,
        'rep:ana:week:2026-W48': -1,
        'rep:ana:month:2026-11': -1,
        'rep:bo:open': 1,
        'rep:bo:day:2026-11-24': 1,
        'rep:bo:week:2026-W48': 1,
        'rep:bo:month:2026-11': 1,
      },
      cancelSlaTimer: true,
      reason: "crm_wins: the person's owner stands",
    });
  });

  it('moves only the open load of the previous rep when we do not know since when they had it', () => {
    const d = decideConflict({ policy: 'crm_wins' }, ctx({ previousOwnerSince: null }));
    expect(d.action === 'adopt' && d.counterDeltas).toEqual({
      'rep:ana:open': -1,
      'rep:bo:open': 1,
      'rep:bo:day:2026-11-24': 1,
      'rep:bo:week:2026-W48': 1,
      'rep:bo:month:2026-11': 1,
    });
  });

  it('resolves a new owner who is not our rep to null, and one who is a CRM queue to the queue', () => {
    const stranger = decideConflict(
      { policy: 'crm_wins' },
      ctx({ newOwnerId: 'hs-someone-else', previousOwnerSince: null }),
    );
    expect(stranger).toMatchObject({
      owner: { crmOwnerId: 'hs-someone-else', repId: null, queueId: null },
      counterDeltas: { 'rep:ana:open': -1 },
    });
    const queue = decideConflict({ policy: 'crm_wins' }, ctx({ newOwnerId: 'hs-queue', previousOwnerSince: null }));
    expect(queue).toMatchObject({
      owner: { crmOwnerId: 'hs-queue', repId: null, queueId: 'unworked' },
      counterDeltas: { 'rep:ana:open': -1 },
    });
  });

  it('charges nobody when the owner is cleared, and nobody loses a lead when there was no previous owner of ours', () => {
    expect(decideConflict({ policy: 'crm_wins' }, ctx({ newOwnerId: null, previousOwnerSince: null }))).toMatchObject({
      owner: { crmOwnerId: null, repId: null },
      counterDeltas: { 'rep:ana:open': -1 },
    });
    const d = decideConflict({ policy: 'crm_wins' }, ctx({ previousOwnerId: 'hs-stranger' }));
    expect(d.action === 'adopt' && Object.keys(d.counterDeltas).every((k) => k.startsWith('rep:bo:'))).toBe(true);
  });

  it('resolves Salesforce ids through the salesforce crmIds of the reps', () => {
    const d = decideConflict(
      { policy: 'crm_wins' },
      ctx({ crm: 'salesforce', previousOwnerId: 'sf-ana', newOwnerId: 'sf-bo' }),
    );
    expect(d).toMatchObject({ owner: { repId: 'bo' } });
  });
});

describe('router_wins', () => {
  const policy = { policy: 'router_wins', maxReverts: 2 } as const;

  it('writes our owner back, counting attempts', () => {
    expect(decideConflict(policy, ctx())).toEqual({
      action: 'revert',
      outcome: 'reverted',
      policy: 'router_wins',
      ownerId: 'hs-ana',
      repId: 'ana',
      attempt: 1,
      reason: 'router_wins: revert 1 of 2',
    });
    expect(decideConflict(policy, ctx({ revertsSoFar: 1 }))).toMatchObject({ action: 'revert', attempt: 2 });
  });

  it('gives up after maxReverts and adopts, with counters moved', () => {
    expect(decideConflict(policy, ctx({ revertsSoFar: 2 }))).toMatchObject({
      action: 'adopt',
      outcome: 'gave_up_adopted',
      owner: { repId: 'bo' },
      counterDeltas: { 'rep:bo:open': 1, 'rep:ana:open': -1 },
    });
  });

  it('adopts when there is no owner of ours to restore, or ours is inactive', () => {
    expect(decideConflict(policy, ctx({ routerOwnerId: null }))).toMatchObject({ action: 'adopt', outcome: 'adopted' });
    expect(decideConflict(policy, ctx({ routerOwnerId: 'hs-gone' }))).toMatchObject({
      action: 'adopt',
      outcome: 'adopted',
      reason: 'router_wins: our owner gone is inactive',
    });
  });
});

describe('lock_window', () => {
  const policy = { policy: 'lock_window', minutes: 30 } as const;

  it('adopts a change within the window as a correction: counters move as under crm_wins', () => {
    const inside = decideConflict(policy, ctx({ changedAt: at('2026-11-24T23:00:05Z') }));
    expect(inside).toMatchObject({
      action: 'adopt',
      outcome: 'adopted',
      counterDeltas: { 'rep:ana:day:2026-11-24': -1, 'rep:bo:day:2026-11-24': 1 },
    });
  });

  it('adopts a later change too, but never re-applies ours and leaves the day/week charges where routing put them', () => {
    const later = decideConflict(policy, ctx({ changedAt: at('2026-11-24T23:00:06Z') }));
    expect(later).toMatchObject({ action: 'adopt', outcome: 'adopted_after_window' });
    expect(later.action === 'adopt' && later.counterDeltas).toEqual({ 'rep:ana:open': -1, 'rep:bo:open': 1 });
  });
});

describe('resolveConflictPolicy', () => {
  const withPolicies = (sync?: unknown) =>
    routingConfigSchema.parse({
      reps: [{ id: 'ana' }],
      pools: [
        { id: 'p1', strategy: 'round_robin', members: ['ana'], conflictPolicy: { policy: 'lock_window', minutes: 10 } },
        { id: 'p2', strategy: 'round_robin', members: ['ana'] },
      ],
      rules: [
        {
          id: 'r1',
          when: { match: 'always' },
          action: { pool: 'p1' },
          conflictPolicy: { policy: 'router_wins', maxReverts: 3 },
        },
        { id: 'r2', when: { match: 'always' }, action: { pool: 'p1' } },
      ],
      ...(sync === undefined ? {} : { sync }),
    }) as RoutingConfig;

  it('takes the rule over the pool over the sync default over crm_wins', () => {
    const c = withPolicies({ conflictPolicy: { policy: 'router_wins' } });
    expect(resolveConflictPolicy(c, { ruleId: 'r1', poolId: 'p1' })).toEqual({
      policy: { policy: 'router_wins', maxReverts: 3 },
      from: 'rule',
    });
    expect(resolveConflictPolicy(c, { ruleId: 'r2', poolId: 'p1' })).toEqual({
      policy: { policy: 'lock_window', minutes: 10 },
      from: 'pool',
    });
    expect(resolveConflictPolicy(c, { ruleId: 'r2', poolId: 'p2' })).toEqual({
      policy: { policy: 'router_wins', maxReverts: 1 },
      from: 'sync',
    });
    expect(resolveConflictPolicy(withPolicies(), { ruleId: 'r2', poolId: 'p2' })).toEqual({
      policy: { policy: 'crm_wins' },
      from: 'default',
    });
  });

  it('skips a rule or pool that no longer exists, and a lead routed without either', () => {
    expect(resolveConflictPolicy(withPolicies(), { ruleId: 'deleted', poolId: 'p1' }).from).toBe('pool');
    expect(resolveConflictPolicy(withPolicies(), {}).from).toBe('default');
    expect(
      resolveConflictPolicy(aConfig({ pools: [aPool({ reps: [ana] })], rules: [aRule({ id: 'x' })] }), {
        ruleId: 'x',
        poolId: 'pool',
      }),
    ).toEqual({ policy: { policy: 'crm_wins' }, from: 'default' });
  });
});
