// Table tests on pure decide() for "Fairness that survives real life" (docs/routing.md "Fairness").
import { describe, expect, it } from 'vitest';
import { creditKey, decide, openKey, validateRoutingConfig, type RoutingState } from '../../../src/routing/index.js';
import { aConfig, aLead, aPool, aRep, at, days, noHistory, owners, simulate, tally } from '../../builders/index.js';

const now = at('2026-11-25T10:00Z');

const reps = (...ids: string[]) => ids.map((id) => aRep({ id }));

describe('round robin: a line, not a position', () => {
  it('removing a member moves nobody else: the line goes on where it was', () => {
    const state = noHistory();
    simulate(aConfig({ pools: [aPool({ reps: reps('a', 'b', 'c', 'd') })] }), 5, state); // a b c d a: b is next
    expect(owners(simulate(aConfig({ pools: [aPool({ reps: reps('a', 'c', 'd') })] }), 4, state))).toEqual([
      'c',
      'd',
      'a',
      'c',
    ]);
    // An index cursor would have given the lead to the member now at b's old index.
  });

  it('survives a new config version that reorders the members', () => {
    const state = noHistory();
    simulate(aConfig({ pools: [aPool({ reps: reps('a', 'b', 'c') })] }), 4, state); // a b c a
    expect(owners(simulate(aConfig({ pools: [aPool({ reps: reps('c', 'b', 'a') })] }), 3, state))).toEqual([
      'b',
      'c',
      'a',
    ]);
  });

  it('a rep removed and added back keeps their old place (nobody is reset)', () => {
    const state = noHistory();
    simulate(aConfig({ pools: [aPool({ reps: reps('a', 'b', 'c') })] }), 3, state); // a=1 b=2 c=3
    simulate(aConfig({ pools: [aPool({ reps: reps('b', 'c') })] }), 2, state); // b c
    expect(owners(simulate(aConfig({ pools: [aPool({ reps: reps('a', 'b', 'c') })] }), 3, state))).toEqual([
      'a',
      'b',
      'c',
    ]);
  });

  it('a pool that had a position cursor before the upgrade goes on after it', () => {
    const config = aConfig({ pools: [aPool({ reps: reps('a', 'b', 'c') })] });
    expect(owners(simulate(config, 4, { cursors: { pool: 0 }, counters: {} }))).toEqual(['b', 'c', 'a', 'b']);
  });

  it('an unavailable member at the front of a new line keeps the front until back', () => {
    const state = noHistory();
    const away = aRep({ id: 'a', away: [days('2026-11-25', '2026-11-25')] });
    expect(owners(simulate(aConfig({ pools: [aPool({ reps: [away, ...reps('b', 'c')] })] }), 3, state))).toEqual([
      'b',
      'c',
      'b',
    ]);
    expect(owners(simulate(aConfig({ pools: [aPool({ reps: reps('a', 'b', 'c') })] }), 3, state))).toEqual([
      'a',
      'c',
      'b',
    ]);
  });
});

describe('rotationGroup: pools sharing one line', () => {
  // ann works both the DE and the AT pool; without a shared line she would take every other lead of each.
  const de = aPool({ id: 'de', rotationGroup: 'dach', reps: reps('ann', 'ben') });
  const at_ = aPool({ id: 'at', rotationGroup: 'dach', reps: reps('ann', 'cem') });
  const config = aConfig({
    pools: [de, at_],
    rules: [
      { id: 'de', when: { field: 'country', op: 'eq', value: 'DE' }, action: { pool: 'de' } },
      { id: 'at', when: { match: 'always' }, action: { pool: 'at' } },
    ],
  });

  it('a rep in two pools waits in one line, so is not served twice as often', () => {
    let i = 0;
    const ds = simulate(
      config,
      12,
      noHistory(),
      () => now,
      () => aLead({ country: i++ % 2 ? 'AT' : 'DE' }),
    );
    expect(owners(ds)).toEqual(['ann', 'cem', 'ben', 'ann', 'ben', 'cem', 'ann', 'cem', 'ben', 'ann', 'ben', 'cem']);
    expect(tally(ds)).toEqual({ ann: 4, ben: 4, cem: 4 });
    const separate = aConfig({
      pools: [aPool({ id: 'de', reps: reps('ann', 'ben') }), aPool({ id: 'at', reps: reps('ann', 'cem') })],
      rules: config.rules,
    });
    i = 0;
    expect(
      tally(
        simulate(
          separate,
          12,
          noHistory(),
          () => now,
          () => aLead({ country: i++ % 2 ? 'AT' : 'DE' }),
        ),
      ),
    ).toEqual({ ann: 6, ben: 3, cem: 3 });
  });
});

describe('least_recently_assigned', () => {
  const pool = aPool({ id: 'p', strategy: 'least_recently_assigned', reps: reps('a', 'b', 'c') });
  const config = aConfig({
    pools: [pool],
    rules: [
      { id: 'vip', when: { field: 'country', op: 'eq', value: 'US' }, action: { rep: 'a' } },
      { id: 'all', when: { match: 'always' }, action: { pool: 'p' } },
    ],
  });

  it('a lead the rep got by any other route sends them to the back', () => {
    const state = noHistory();
    expect(owners(simulate(config, 2, state))).toEqual(['a', 'b']);
    expect(
      owners(
        simulate(
          config,
          1,
          state,
          () => now,
          () => aLead({ country: 'US' }),
        ),
      ),
    ).toEqual(['a']); // named rep
    // c has waited longest, then b (#2), then a (#3, the named-rep lead): round robin would give a the next after c.
    const ds = simulate(config, 3, state);
    expect(owners(ds)).toEqual(['c', 'b', 'a']);
    expect(ds[0]).toMatchObject({ code: 'LEAST_RECENTLY_ASSIGNED' });
  });
});

describe('priority tiers', () => {
  const pool = (seniorAway: boolean) =>
    aPool({
      priority: { s1: 2, s2: 2 },
      reps: [
        aRep({ id: 'j1' }),
        aRep({ id: 's1', ...(seniorAway ? { away: [days('2026-11-25', '2026-11-25')] } : {}) }),
        aRep({ id: 's2', ...(seniorAway ? { away: [days('2026-11-25', '2026-11-25')] } : {}) }),
        aRep({ id: 'j2' }),
      ],
    });

  it('the highest tier with anyone available takes the leads, in rotation within the tier', () => {
    const ds = simulate(aConfig({ pools: [pool(false)] }), 4);
    expect(owners(ds)).toEqual(['s1', 's2', 's1', 's2']);
    expect(ds[0]!.reasons).toContainEqual({
      code: 'REP_LOWER_TIER',
      repId: 'j1',
      poolId: 'pool',
      detail: 'priority 0; priority 2 has someone available',
    });
    expect(ds[0]!.trace.picks![0]!.candidates).toEqual([
      { repId: 's1', priority: 2, place: -3 },
      { repId: 's2', priority: 2, place: -2 },
    ]);
  });

  it('the next tier when nobody in the top one is available', () => {
    expect(owners(simulate(aConfig({ pools: [pool(true)] }), 3))).toEqual(['j1', 'j2', 'j1']);
  });

  it('tiers hold for weighted and least-loaded pools too', () => {
    for (const strategy of ['weighted_round_robin', 'least_loaded', 'least_recently_assigned'] as const) {
      const p = aPool({ strategy, priority: { b: 1 }, reps: reps('a', 'b', 'c') });
      expect(tally(simulate(aConfig({ pools: [p] }), 5)), strategy).toEqual({ b: 5 });
    }
  });
});

describe('weighted: fractions and periods', () => {
  const pool = (extra: Parameters<typeof aPool>[0] = {}) =>
    aPool({
      strategy: 'weighted_round_robin',
      weights: { a: 1, b: 0.5, c: 0.25 },
      reps: reps('a', 'b', 'c'),
      ...extra,
    });

  it('weights 1 : 0.5 : 0.25 share exactly 4:2:1 with integer credits (no drift)', () => {
    const state = noHistory();
    const ds = simulate(aConfig({ pools: [pool()] }), 7_000, state);
    expect(tally(ds)).toEqual({ a: 4000, b: 2000, c: 1000 });
    const credits = ['a', 'b', 'c'].map((r) => state.counters[creditKey('pool/pool', 'all', r)]!);
    for (const c of credits) expect(Number.isInteger(c)).toBe(true);
    expect(credits.reduce((x, y) => x + y, 0)).toBe(0);
  });

  it('rejects a weight with more than 3 decimals', () => {
    expect(() => aRep({ id: 'x', weight: 0.0005 })).toThrow(/3 decimal places/);
  });

  it("period: month starts every member at 0 on the 1st in the pool zone: last month's imbalance does not decide", () => {
    const p = aPool({
      strategy: 'weighted_round_robin',
      period: 'month',
      timeZone: 'Europe/Berlin',
      reps: reps('a', 'b'),
    });
    const state = noHistory();
    // November: b is away for a stretch, so a is ahead; catch-up would only matter within November.
    const nov = aConfig({
      pools: [aPool({ ...p, members: ['a', 'b'] })],
      reps: [aRep({ id: 'a' }), aRep({ id: 'b' })],
    });
    simulate(nov, 5, state, () => at('2026-11-30T12:00Z'));
    state.counters[creditKey('pool/pool', '2026-11', 'a')] = -3000; // pretend a is far ahead
    state.counters[creditKey('pool/pool', '2026-11', 'b')] = 3000;
    // 23:30 UTC on Nov 30 is already December 1st in Berlin: fresh credits, configured order first.
    const dec = simulate(nov, 4, state, () => at('2026-11-30T23:30Z'));
    expect(owners(dec)).toEqual(['a', 'b', 'a', 'b']);
    expect(dec[0]!.stateChange.counterDeltas).toHaveProperty([creditKey('pool/pool', '2026-12', 'a')]);
  });

  it("the trace lists every candidate's weight and credit and says why the winner won", () => {
    const state = noHistory();
    simulate(aConfig({ pools: [pool()] }), 1, state);
    const d = decide(aLead(), aConfig({ pools: [pool()] }), state, now);
    expect(d.trace.picks).toEqual([
      {
        poolId: 'pool',
        strategy: 'weighted_round_robin',
        candidates: [
          { repId: 'a', weight: 1, credit: 0.25 },
          { repId: 'b', weight: 0.5, credit: 1 },
          { repId: 'c', weight: 0.25, credit: 0.5 },
        ],
        winner: 'b',
        why: 'owed the most by its weight: credit 1 (weight 0.5); pays back the 1.75 earned this round',
      },
    ]);
  });
});

describe('least loaded: ratio, assignments per period, idle tie-break', () => {
  it('open_ratio: 5 of 10 open is busier than 6 of 20', () => {
    const config = aConfig({
      pools: [
        aPool({
          strategy: 'least_loaded',
          loadBy: 'open_ratio',
          reps: [aRep({ id: 'a', maxOpen: 10 }), aRep({ id: 'b', maxOpen: 20 })],
        }),
      ],
    });
    const d = decide(aLead(), config, { cursors: {}, counters: { [openKey('a')]: 5, [openKey('b')]: 6 } }, now);
    expect(d).toMatchObject({ ownerId: 'b' });
    expect(d.trace.picks![0]).toMatchObject({
      candidates: [
        { repId: 'a', load: 5, maxOpen: 10 },
        { repId: 'b', load: 6, maxOpen: 20 },
      ],
      winner: 'b',
      why: 'lowest load 6/20 open',
    });
  });

  it('a tie goes to the rep idle longest (oldest last lead by any route), not pool order', () => {
    const config = aConfig({ pools: [aPool({ strategy: 'least_loaded', reps: reps('a', 'b') })] });
    const d = decide(
      aLead(),
      config,
      { cursors: {}, counters: { 'line:all:seq': 9, 'line:all:last:a': 9, 'line:all:last:b': 4 } },
      now,
    );
    expect(d).toMatchObject({ ownerId: 'b' });
    expect(d.reasons).toContainEqual({
      code: 'LEAST_LOADED',
      repId: 'b',
      poolId: 'pool',
      detail: 'lowest load 0 open; tie broken by idle time (place 4 on the line of all leads, the longest waiting)',
    });
    // Tied candidates show their place on the line of all leads: the figure the tie was broken on.
    expect(d.trace.picks![0]!.candidates).toEqual([
      { repId: 'a', load: 0, place: 9 },
      { repId: 'b', load: 0, place: 4 },
    ]);
  });

  it("loadBy assignments counts this pool's leads in the period (day in the pool zone), not open work", () => {
    const p = aPool({
      strategy: 'least_loaded',
      loadBy: 'assignments',
      period: 'day',
      timeZone: 'America/New_York',
      reps: reps('a', 'b'),
    });
    const state: RoutingState = { cursors: {}, counters: { [openKey('b')]: 50, 'line:pool/pool:n:2026-11-25:a': 3 } };
    const ds = simulate(aConfig({ pools: [p] }), 4, state);
    expect(owners(ds)).toEqual(['b', 'b', 'b', 'a']); // b's 50 open leads do not count; a's 3 today do
    // A new day in New York: both at 0 again, and the tie goes to b, idle longer than a (who had the last lead).
    expect(owners(simulate(aConfig({ pools: [p] }), 2, state, () => at('2026-11-26T10:00Z')))).toEqual(['b', 'a']);
  });
});

describe('caps: hour, rolling window, month, and pools that do not count', () => {
  const route = (
    rep: ReturnType<typeof aRep>,
    n: number,
    when: (i: number) => Date,
    extra: Parameters<typeof aPool>[0] = {},
  ) =>
    owners(
      simulate(
        aConfig({
          pools: [aPool({ reps: [rep], overflow: [{ rep: 'backup' }], ...extra })],
          reps: [aRep({ id: 'backup' })],
        }),
        n,
        noHistory(),
        when,
      ),
    );

  it('capPerHour counts per UTC clock hour', () => {
    const times = ['10:00', '10:20', '10:40', '10:59', '11:00'].map((t) => at(`2026-11-25T${t}Z`));
    expect(route(aRep({ id: 'a', capPerHour: 2 }), 5, (i) => times[i]!)).toEqual(['a', 'a', 'backup', 'backup', 'a']);
  });

  it('capRolling counts the current hour and the hours-1 before it', () => {
    const times = ['08:10', '09:10', '10:10', '10:50', '11:10', '12:10'].map((t) => at(`2026-11-25T${t}Z`));
    // Window of 2 = this UTC hour and the one before: at 10:50 it holds 09:10 and 10:10, so the cap of 2 is reached;
    // at 11:10 it holds only 10:10 (09:10 left the window).
    expect(route(aRep({ id: 'a', capRolling: { hours: 2, max: 2 } }), 6, (i) => times[i]!)).toEqual([
      'a',
      'a',
      'a',
      'backup',
      'a',
      'a',
    ]);
  });

  it('capPerMonth is a quota per calendar month in the rep zone', () => {
    const times = ['2026-11-29T10:00Z', '2026-11-30T10:00Z', '2026-11-30T20:00Z', '2026-11-30T23:30Z'].map(at);
    // 23:30 UTC is December in Berlin.
    expect(route(aRep({ id: 'a', capPerMonth: 2, timeZone: 'Europe/Berlin' }), 4, (i) => times[i]!)).toEqual([
      'a',
      'a',
      'backup',
      'a',
    ]);
  });

  it('countsTowardCaps: false neither counts nor refuses for caps; maxOpen still applies', () => {
    expect(route(aRep({ id: 'a', capPerDay: 1 }), 3, () => now, { countsTowardCaps: false })).toEqual(['a', 'a', 'a']);
    const d = decide(
      aLead(),
      aConfig({ pools: [aPool({ countsTowardCaps: false, reps: [aRep({ id: 'a', capPerDay: 1 })] })] }),
      noHistory(),
      now,
    );
    expect(Object.keys(d.stateChange.counterDeltas).filter((k) => k.startsWith('rep:a:'))).toEqual(['rep:a:open']);
    expect(route(aRep({ id: 'a', maxOpen: 1 }), 2, () => now, { countsTowardCaps: false })).toEqual(['a', 'backup']);
  });
});

describe('validation of the fairness options', () => {
  it('names the path of each mistake', () => {
    const config = aConfig({
      reps: reps('a', 'b'),
      pools: [
        aPool({ id: 'r', members: ['a', 'b'], priority: { x: 1 }, period: 'month', loadBy: 'open' }),
        aPool({
          id: 'l',
          strategy: 'least_loaded',
          members: ['a', 'b'],
          loadBy: 'open_ratio',
          timeZone: 'Mars/Olympus',
        }),
      ],
    });
    expect(validateRoutingConfig(config).map((i) => i.path)).toEqual([
      'routing.pools[0].priority["x"]',
      'routing.pools[0].period',
      'routing.pools[0].loadBy',
      'routing.pools[1].timeZone',
      'routing.pools[1].members[0]',
      'routing.pools[1].members[1]',
    ]);
  });
});
