// Lock partitions: pools that share no rep and no counter are decided under different locks;
// anything shared or global merges them (docs/scaling.md).
import { describe, expect, it } from 'vitest';
import { leadLockPartition, lockPartitions, stateKeys } from '../../../src/routing/index.js';
import { aConfig, aLead, aPool, aRep } from '../../builders/index.js';

const reps = ['a1', 'a2', 'b1', 'b2', 'c1', 'c2', 'boss'].map((id) => aRep({ id }));
const byCountry = (country: string, pool: string) => ({
  id: `to-${pool}`,
  when: { field: 'country', op: 'eq' as const, value: country },
  action: { pool },
});
const regional = (extra: Parameters<typeof aConfig>[0] = {}) =>
  aConfig({
    reps,
    pools: [
      aPool({ id: 'emea', members: ['a1', 'a2'] }),
      aPool({ id: 'amer', members: ['b1', 'b2'] }),
      aPool({ id: 'apac', members: ['c1', 'c2'] }),
    ],
    rules: [byCountry('DE', 'emea'), byCountry('US', 'amer'), byCountry('JP', 'apac')],
    ...extra,
  });
const keysOf = (config: ReturnType<typeof aConfig>) =>
  lockPartitions(config).list.map((p) => ({ key: p.key, pools: p.pools }));

describe('lockPartitions', () => {
  it('splits pools that share no rep, no counter and no rule', () => {
    const parts = lockPartitions(regional());
    expect(parts.partitioned).toBe(true);
    expect(keysOf(regional())).toEqual([
      { key: '$routing/p/amer', pools: ['amer'] },
      { key: '$routing/p/apac', pools: ['apac'] },
      { key: '$routing/p/emea', pools: ['emea'] },
      // A rep in no pool and named by no rule is a partition of its own (nothing routes to it).
      { key: '$routing/r/boss', pools: [] },
    ]);
    expect(parts.list.find((p) => p.key === '$routing/p/emea')!.reps).toEqual(['a1', 'a2']);
  });

  it('merges two pools that share a rep (its caps and open count are one counter)', () => {
    const config = regional({
      pools: [
        aPool({ id: 'emea', members: ['a1', 'a2'] }),
        aPool({ id: 'amer', members: ['b1', 'a2'] }),
        aPool({ id: 'apac', members: ['c1', 'c2'] }),
      ],
    });
    expect(keysOf(config).slice(0, 2)).toEqual([
      { key: '$routing/p/amer', pools: ['amer', 'emea'] },
      { key: '$routing/p/apac', pools: ['apac'] },
    ]);
  });

  it('merges pools joined by an overflow, a rotation group, an SLA manager or a rule with a fallback', () => {
    const overflow = regional({
      pools: [
        aPool({ id: 'emea', members: ['a1', 'a2'], overflow: [{ pool: 'amer' }] }),
        aPool({ id: 'amer', members: ['b1', 'b2'] }),
        aPool({ id: 'apac', members: ['c1', 'c2'] }),
      ],
    });
    expect(keysOf(overflow)[0]).toEqual({ key: '$routing/p/amer', pools: ['amer', 'emea'] });
    const grouped = regional({
      pools: [
        aPool({ id: 'emea', members: ['a1', 'a2'], rotationGroup: 'west' }),
        aPool({ id: 'amer', members: ['b1', 'b2'], rotationGroup: 'west' }),
        aPool({ id: 'apac', members: ['c1', 'c2'] }),
      ],
    });
    expect(keysOf(grouped)[0]).toEqual({ key: '$routing/p/amer', pools: ['amer', 'emea'] });
    const managed = regional({
      pools: [
        aPool({ id: 'emea', members: ['a1', 'a2'], sla: { minutes: 5, managerRepId: 'c1' } }),
        aPool({ id: 'amer', members: ['b1', 'b2'] }),
        aPool({ id: 'apac', members: ['c1', 'c2'] }),
      ],
    });
    expect(keysOf(managed)[1]).toEqual({ key: '$routing/p/apac', pools: ['apac', 'emea'] });
    const fallback = regional({
      rules: [{ id: 'vip', when: { match: 'always' }, action: { rep: 'b1', fallback: { pool: 'apac' } } }],
    });
    expect(keysOf(fallback)[0]).toEqual({ key: '$routing/p/amer', pools: ['amer', 'apac'] });
  });

  it('merges everything when a rule can reach any rep (account owner, existing owner, sticky owner) or a default spans pools', () => {
    for (const rule of [
      { id: 'acct', when: { match: 'always' as const }, action: { accountOwner: true as const } },
      { id: 'known', when: { match: 'always' as const }, action: { existingOwner: true as const } },
      { id: 'sticky', when: { match: 'always' as const }, action: { pool: 'emea' }, stickyOwner: true },
    ]) {
      const config = regional({ rules: [byCountry('DE', 'emea'), rule] });
      expect(lockPartitions(config).partitioned, rule.id).toBe(false);
      expect(lockPartitions(config).list).toHaveLength(1);
    }
    const spanning = regional({ default: { rep: 'a1', fallback: { pool: 'amer' } } });
    expect(keysOf(spanning)[0]).toEqual({ key: '$routing/p/amer', pools: ['amer', 'emea'] });
  });

  it('one catch-all pool over every rep is one partition: the global lock, as before', () => {
    const config = aConfig({ pools: [aPool({ id: 'all', reps })] });
    expect(lockPartitions(config).partitioned).toBe(false);
  });
});

describe('leadLockPartition', () => {
  const config = regional({ default: { queue: 'triage' }, queues: [{ id: 'triage', crmIds: { hubspot: 'q1' } }] });
  const at = new Date('2026-12-01T10:00:00Z');
  it('is the partition of the first rule the lead matches; a lead that touches no counter has none', () => {
    expect(leadLockPartition(aLead({ country: 'US' }), config, at)?.key).toBe('$routing/p/amer');
    expect(leadLockPartition(aLead({ country: 'JP' }), config, at)?.key).toBe('$routing/p/apac');
    expect(leadLockPartition(aLead({ country: 'FR' }), config, at)).toBeUndefined();
  });

  it("a partition's state keys are the whole config's keys of its reps and pools, plus the line all's sequence", () => {
    const all = stateKeys(config, at).counters;
    const parts = lockPartitions(config).list;
    const union = new Set(parts.flatMap((p) => stateKeys(config, at, p).counters));
    expect([...union].sort()).toEqual(all);
    const emea = stateKeys(
      config,
      at,
      parts.find((p) => p.key === '$routing/p/emea'),
    );
    expect(emea.pools).toEqual(['emea']);
    expect(emea.counters.every((k) => k === 'line:all:seq' || /a1|a2|emea/.test(k))).toBe(true);
  });
});
