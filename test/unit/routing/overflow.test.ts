import { describe, expect, it } from 'vitest';
import { decide } from '../../../src/routing/index.js';
import { aConfig, aLead, aPool, aQueue, aRep, at, noHistory } from '../../builders/index.js';

const now = at('2026-11-25T10:00Z');
const busy = (id: string) => aRep({ id, maxOpen: 0 });

describe('overflow chain', () => {
  const first = aPool({
    id: 'first',
    reps: [busy('a1'), busy('a2')],
    overflow: [{ pool: 'second' }, { rep: 'lead' }, { queue: 'triage' }],
  });
  const second = aPool({ id: 'second', reps: [busy('b1')] });
  const queues = [aQueue('triage', { salesforce: '00G-triage' })];
  const rules = [{ id: 'all', when: { match: 'always' as const }, action: { pool: 'first' } }];

  it('tries the next pool, then the named rep', () => {
    const config = aConfig({ pools: [first, second], reps: [aRep({ id: 'lead' })], queues, rules });
    const d = decide(aLead(), config, noHistory(), now);
    expect(d).toMatchObject({ kind: 'assigned', ownerId: 'lead', code: 'NAMED_REP', poolId: 'first', ruleId: 'all' });
    expect(d.reasons.map((r) => r.code)).toEqual([
      'RULE_MATCHED',
      'REP_OPEN_CEILING',
      'REP_OPEN_CEILING',
      'POOL_EMPTY_HANDED',
      'OVERFLOW',
      'REP_OPEN_CEILING',
      'POOL_EMPTY_HANDED',
      'OVERFLOW',
      'NAMED_REP',
    ]);
  });

  it('then the CRM queue owner', () => {
    const config = aConfig({ pools: [first, second], reps: [busy('lead')], queues, rules });
    expect(decide(aLead({ crm: 'salesforce' }), config, noHistory(), now)).toMatchObject({
      kind: 'assigned',
      ownerKind: 'queue',
      ownerId: 'triage',
      crmOwnerId: '00G-triage',
      code: 'CRM_QUEUE',
    });
  });

  it('then unassigned POOL_EXHAUSTED, naming the pool the rule chose', () => {
    const config = aConfig({ pools: [first, second], reps: [busy('lead')], queues, rules });
    const d = decide(aLead({ crm: 'hubspot' }), config, noHistory(), now);
    expect(d).toMatchObject({ kind: 'unassigned', code: 'POOL_EXHAUSTED', poolId: 'first', ruleId: 'all' });
    expect(d.reasons.at(-1)).toEqual({
      code: 'REP_NO_CRM_ID',
      poolId: 'first',
      detail: 'queue triage has no hubspot id',
    });
  });

  it('an overflow pool uses its own strategy and moves its own line', () => {
    const config = aConfig({
      pools: [first, aPool({ id: 'second', reps: [aRep({ id: 'b1' }), aRep({ id: 'b2' })] })],
      reps: [aRep({ id: 'lead' })],
      queues,
      rules,
    });
    const d = decide(
      aLead(),
      config,
      {
        cursors: {},
        counters: { 'line:pool/second:seq': 2, 'line:pool/second:last:b1': 2, 'line:pool/second:last:b2': 1 },
      },
      now,
    );
    expect(d).toMatchObject({ ownerId: 'b2', poolId: 'second', code: 'ROUND_ROBIN_NEXT' });
    expect(d.stateChange.counterDeltas).toMatchObject({ 'line:pool/second:seq': 1, 'line:pool/second:last:b2': 2 }); // 1 -> 3: the back
    expect(Object.keys(d.stateChange.counterDeltas).filter((k) => k.startsWith('line:pool/first'))).toEqual([]);
  });
});

describe('queueWhenFull', () => {
  const pool = aPool({
    id: 'p',
    reps: [busy('a')],
    queueWhenFull: { maxWaitMinutes: 30 },
    overflow: [{ rep: 'lead' }],
  });
  const config = aConfig({ pools: [pool], reps: [aRep({ id: 'lead' })] });

  it('holds the lead until maxWaitMinutes, then overflows', () => {
    const first = decide(aLead(), config, noHistory(), now);
    expect(first).toMatchObject({
      kind: 'queued',
      code: 'QUEUED',
      poolId: 'p',
      queuedUntil: '2026-11-25T10:30:00.000Z',
    });
    expect(first.stateChange).toEqual({ cursors: {}, counterDeltas: {} });
    const retry = decide(aLead(), config, noHistory(), at('2026-11-25T10:29Z'), { queuedSince: now });
    expect(retry).toMatchObject({ kind: 'queued', queuedUntil: '2026-11-25T10:30:00.000Z' });
    const late = decide(aLead(), config, noHistory(), at('2026-11-25T10:30Z'), { queuedSince: now });
    expect(late).toMatchObject({ kind: 'assigned', ownerId: 'lead' });
    expect(late.reasons).toContainEqual({ code: 'QUEUE_EXPIRED', poolId: 'p', detail: 'waited 30 min' });
  });

  it('assigns as soon as a member frees up', () => {
    const free = aConfig({
      pools: [aPool({ id: 'p', reps: [aRep({ id: 'a' })], queueWhenFull: { maxWaitMinutes: 30 } })],
    });
    expect(decide(aLead(), free, noHistory(), at('2026-11-25T10:10Z'), { queuedSince: now })).toMatchObject({
      kind: 'assigned',
      ownerId: 'a',
    });
  });
});
