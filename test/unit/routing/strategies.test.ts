import { describe, expect, it } from 'vitest';
import { creditKey, decide, openKey, type RoutingConfig, type RoutingState } from '../../../src/routing/index.js';
import { aConfig, aLead, aPool, aRep, at, days, noHistory, owners, simulate, tally } from '../../builders/index.js';

const now = at('2026-11-25T10:00Z');

describe('round robin', () => {
  const reps = ['a', 'b', 'c'].map((id) => aRep({ id }));

  it('rotates in configured order', () => {
    expect(owners(simulate(aConfig({ pools: [aPool({ reps })] }), 7))).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a']);
  });

  it('skips the unavailable, who keep their place: next when back, but not owed the leads they missed', () => {
    const withAway = [reps[0]!, aRep({ id: 'b', away: [days('2026-11-25', '2026-11-25')] }), reps[2]!];
    const state = noHistory();
    expect(owners(simulate(aConfig({ pools: [aPool({ reps: withAway })] }), 4, state))).toEqual(['a', 'c', 'a', 'c']);
    // b is back: first in line (waited longest), then the line goes on; one lead, not a flood.
    expect(owners(simulate(aConfig({ pools: [aPool({ reps })] }), 4, state))).toEqual(['b', 'a', 'c', 'b']);
  });

  it('a rep added to the pool joins at the back of the line, wherever they are listed', () => {
    for (const members of [
      [...reps, aRep({ id: 'd' })],
      [aRep({ id: 'd' }), ...reps],
    ]) {
      const state = noHistory();
      simulate(aConfig({ pools: [aPool({ reps })] }), 4, state); // a b c a: b is next
      expect(owners(simulate(aConfig({ pools: [aPool({ reps: members })] }), 5, state))).toEqual([
        'b',
        'c',
        'a',
        'd',
        'b',
      ]);
    }
  });

  it('POOL_EXHAUSTED when nobody can take it, with no state change', () => {
    const config = aConfig({ pools: [aPool({ reps: [aRep({ id: 'x', active: false })] })] });
    const d = decide(aLead(), config, noHistory(), now);
    expect(d).toMatchObject({ kind: 'unassigned', code: 'POOL_EXHAUSTED', poolId: 'pool' });
    expect(d.stateChange).toEqual({ cursors: {}, counterDeltas: {} });
  });

  it('counts open, day and week for the chosen rep', () => {
    const d = decide(aLead(), aConfig({ pools: [aPool({ reps })] }), noHistory(), now);
    expect(d.stateChange).toEqual({
      cursors: {},
      counterDeltas: {
        'rep:a:open': 1,
        'rep:a:day:2026-11-25': 1,
        'rep:a:week:2026-W48': 1,
        'rep:a:month:2026-11': 1,
        // A new line: everyone gets a place in pool order (below 1); a takes the lead and goes to the back.
        'line:pool/pool:seq': 1,
        'line:pool/pool:last:a': 1,
        'line:pool/pool:last:b': -2,
        'line:pool/pool:last:c': -1,
        'line:all:seq': 1,
        'line:all:last:a': 1,
      },
    });
  });
});

describe('weighted round robin', () => {
  const weighted = (weights: Record<string, number>) =>
    aConfig({
      pools: [
        aPool({
          strategy: 'weighted_round_robin',
          reps: Object.keys(weights).map((id) => aRep({ id, weight: weights[id] })),
        }),
      ],
    });

  it('is smooth: 5:1:1 interleaves instead of bursting', () => {
    expect(owners(simulate(weighted({ a: 5, b: 1, c: 1 }), 7))).toEqual(['a', 'a', 'a', 'b', 'c', 'a', 'a']);
  });

  it('every prefix of 10k leads is within 1 lead of the exact share', () => {
    const weights = { a: 5, b: 3, c: 2, d: 1, e: 7 };
    const total = Object.values(weights).reduce((x, y) => x + y, 0);
    const ds = simulate(weighted(weights), 10_000);
    const count: Record<string, number> = {};
    let worst = 0;
    ds.forEach((d, i) => {
      if (d.kind !== 'assigned') throw new Error('unassigned');
      count[d.ownerId] = (count[d.ownerId] ?? 0) + 1;
      for (const [id, w] of Object.entries(weights))
        worst = Math.max(worst, Math.abs((count[id] ?? 0) - ((i + 1) * w) / total));
    });
    expect(worst).toBeLessThanOrEqual(1);
    for (const [id, w] of Object.entries(weights))
      expect(Math.abs(count[id]! - (10_000 * w) / total)).toBeLessThanOrEqual(1);
  });

  it('weight 0 never crashes and is never picked', () => {
    const ds = simulate(weighted({ a: 0, b: 2, c: 1 }), 30);
    expect(tally(ds)).toEqual({ b: 20, c: 10 });
    expect(ds[0]!.reasons).toContainEqual({ code: 'REP_WEIGHT_ZERO', repId: 'a', poolId: 'pool' });
    const allZero = decide(aLead(), weighted({ a: 0 }), noHistory(), now);
    expect(allZero).toMatchObject({ kind: 'unassigned', code: 'POOL_EXHAUSTED' });
  });

  it('a new member starts at the pool average, not with a backlog', () => {
    const state = noHistory();
    simulate(weighted({ a: 1, b: 1 }), 101, state);
    const ds = simulate(weighted({ a: 1, b: 1, c: 1 }), 9, state);
    expect(tally(ds)).toEqual({ a: 3, b: 3, c: 3 });
  });

  it('credits sum to zero, so shares stay exact as leads accumulate', () => {
    const state = noHistory();
    simulate(weighted({ a: 3, b: 1 }), 1001, state);
    expect(
      state.counters[creditKey('pool/pool', 'all', 'a')]! + state.counters[creditKey('pool/pool', 'all', 'b')]!,
    ).toBe(0);
  });

  it('catchUpAfterAway: an away member keeps earning and catches up on return', () => {
    const away = aRep({ id: 'b', away: [days('2026-11-25', '2026-11-25')] });
    const pool = (b: ReturnType<typeof aRep>, catchUpAfterAway: boolean) =>
      aConfig({ pools: [aPool({ strategy: 'weighted_round_robin', catchUpAfterAway, reps: [aRep({ id: 'a' }), b] })] });
    for (const catchUp of [false, true]) {
      const state = noHistory();
      simulate(pool(away, catchUp), 10, state);
      const back = tally(simulate(pool(aRep({ id: 'b' }), catchUp), 10, state, () => at('2026-11-26T10:00Z')));
      expect(back.b).toBe(catchUp ? 10 : 5);
    }
  });
});

describe('least loaded', () => {
  const reps = ['a', 'b', 'c'].map((id) => aRep({ id }));
  const config = aConfig({ pools: [aPool({ strategy: 'least_loaded', reps })] });

  it('picks the fewest open leads, ties in configured order', () => {
    const d = decide(
      aLead(),
      config,
      { cursors: {}, counters: { [openKey('a')]: 4, [openKey('b')]: 2, [openKey('c')]: 2 } },
      now,
    );
    expect(d).toMatchObject({ ownerId: 'b', code: 'LEAST_LOADED' });
    expect(d.reasons).toContainEqual({
      code: 'LEAST_LOADED',
      repId: 'b',
      poolId: 'pool',
      detail: 'lowest load 2 open; tie broken by pool order',
    });
  });

  it('levels the pool as leads accumulate', () => {
    const state: RoutingState = { cursors: {}, counters: { [openKey('a')]: 3 } };
    // b and c catch up to a's 3, then the three tie and take turns in configured order.
    expect(owners(simulate(config, 9, state))).toEqual(['b', 'c', 'b', 'c', 'b', 'c', 'a', 'b', 'c']);
    expect([openKey('a'), openKey('b'), openKey('c')].map((k) => state.counters[k])).toEqual([4, 4, 4]);
  });
});
